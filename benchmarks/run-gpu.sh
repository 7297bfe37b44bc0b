#!/usr/bin/env bash
# GPU recipe for the SkinSam.Sdk benchmarks (see docs/benchmarks.md, "GPU runs").
#
#   benchmarks/run-gpu.sh publish   # on a build machine: self-contained linux-x64 app with the CUDA ONNX Runtime
#   benchmarks/run-gpu.sh split     # cut the ~285 MB CUDA provider library into 60 MB parts (to carry it in pieces)
#   benchmarks/run-gpu.sh join      # on the GPU machine: put the parts back together (checks the sha256)
#   benchmarks/run-gpu.sh pack      # the whole app (~410 MB) as xz-compressed parts of PART_SIZE (default 50M, 5 parts)
#   benchmarks/run-gpu.sh unpack DIR  # on the GPU machine: parts in DIR back into OUT (checks the sha256; xz or python3)
#   benchmarks/run-gpu.sh check     # nvidia-smi, ldd of the CUDA provider, what the providers see
#   benchmarks/run-gpu.sh run [BenchmarkDotNet args]   # inference suites on cpu, cuda (and tensorrt when usable)
#
# Environment: OUT (default out/bench-gpu), CUDA_HOME (default /usr/local/cuda), CUDNN_LIB (folder of
# libcudnn*.so.9 when not in CUDA_HOME/lib64 or the system paths), SKINSAM_BENCH_MODELS (default tiny,skinsam-tiny,vit_b),
# PACK (default out/bench-gpu-parts) and PART_SIZE (default 50M: a part and the repository's 8 MB stay under a 64 MiB transfer) for pack.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-out/bench-gpu}"
CUDA_HOME="${CUDA_HOME:-/usr/local/cuda}"
provider_lib="$OUT/libonnxruntime_providers_cuda.so"

cuda_env() {
  # CUDA 13 runtime (libcudart.so.13, libcublas.so.13, libcublasLt.so.13, libcurand.so.10; libcuda.so.1 comes
  # with the driver) and cuDNN 9 (libcudnn*.so.9, opened at run time), then the app folder itself.
  local paths="$CUDA_HOME/lib64:$CUDA_HOME/targets/x86_64-linux/lib"
  if [ -n "${CUDNN_LIB:-}" ]; then paths="$CUDNN_LIB:$paths"; fi
  export LD_LIBRARY_PATH="$paths:$(cd "$OUT" && pwd)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
}

case "${1:-}" in
  publish)
    dotnet publish benchmarks/SkinSam.Sdk.Benchmarks/SkinSam.Sdk.Benchmarks.csproj \
      -c Release -r linux-x64 --self-contained -p:OrtFlavor=gpu -o "$OUT"
    ls -la "$OUT"/libonnxruntime*.so*
    ;;
  split)
    test -f "$provider_lib" || { echo "Expected $provider_lib; run 'publish' first." >&2; exit 1; }
    sha256sum "$provider_lib" | awk '{print $1}' > "$provider_lib.sha256"
    split -b 60M -d "$provider_lib" "$provider_lib.part-"
    rm "$provider_lib"
    ls -la "$provider_lib".*
    ;;
  join)
    ls "$provider_lib".part-* > /dev/null
    cat "$provider_lib".part-* > "$provider_lib"
    if [ -f "$provider_lib.sha256" ]; then
      echo "$(cat "$provider_lib.sha256")  $provider_lib" | sha256sum -c -
    fi
    rm "$provider_lib".part-*
    ;;
  pack)
    test -x "$OUT/SkinSam.Sdk.Benchmarks" || { echo "Expected the published app in $OUT; run 'publish' first." >&2; exit 1; }
    PACK="${PACK:-out/bench-gpu-parts}"
    mkdir -p "$PACK"; rm -f "$PACK"/bench-gpu.tar.xz*
    tar -C "$OUT" -cf - . | xz -T0 -6 > "$PACK/bench-gpu.tar.xz"
    (cd "$PACK" && sha256sum bench-gpu.tar.xz > bench-gpu.tar.xz.sha256 \
      && split -b "${PART_SIZE:-50M}" -d bench-gpu.tar.xz bench-gpu.tar.xz.part- && rm bench-gpu.tar.xz)
    ls -la "$PACK"
    ;;
  unpack)
    DIR="${2:?Expected the folder that holds bench-gpu.tar.xz.part-* and bench-gpu.tar.xz.sha256}"
    ls "$DIR"/bench-gpu.tar.xz.part-* > /dev/null || { echo "Expected bench-gpu.tar.xz.part-* in $DIR." >&2; exit 1; }
    cat "$DIR"/bench-gpu.tar.xz.part-* > "$DIR/bench-gpu.tar.xz"
    (cd "$DIR" && sha256sum -c bench-gpu.tar.xz.sha256) \
      || { rm -f "$DIR/bench-gpu.tar.xz"; echo "The joined archive does not match its sha256: a part is missing, truncated or out of order." >&2; exit 1; }
    mkdir -p "$OUT"
    if command -v xz > /dev/null; then xz -dc "$DIR/bench-gpu.tar.xz" | tar -C "$OUT" -xf -
    else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), sys.stdout.buffer)' "$DIR/bench-gpu.tar.xz" | tar -C "$OUT" -xf -
    fi
    rm "$DIR/bench-gpu.tar.xz"
    ls -la "$OUT"/libonnxruntime*.so*
    ;;
  check)
    cuda_env
    echo "== nvidia-smi"; nvidia-smi || echo "nvidia-smi failed: no driver or no device"
    echo "== LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
    echo "== ldd $provider_lib (every 'not found' is a missing CUDA/cuDNN library)"
    ldd "$provider_lib" | grep -E "not found|cuda|cudnn|cublas|cufft|curand" || true
    if ldd "$provider_lib" | grep -q "not found"; then echo "MISSING libraries above: fix LD_LIBRARY_PATH (CUDA_HOME, CUDNN_LIB)." >&2; exit 1; fi
    # cuDNN is opened at run time (dlopen), so ldd does not list it: look for it on the search path.
    echo "== cuDNN 9 (libcudnn.so.9) on LD_LIBRARY_PATH or ldconfig"
    found=""
    for d in ${LD_LIBRARY_PATH//:/ }; do if [ -e "$d/libcudnn.so.9" ]; then found="$d/libcudnn.so.9"; fi; done
    if [ -z "$found" ]; then found=$(ldconfig -p | grep -o '/.*libcudnn.so.9$' | head -1 || true); fi
    echo "${found:-libcudnn.so.9 NOT FOUND: set CUDNN_LIB}"
    "$OUT/SkinSam.Sdk.Benchmarks" --list-environment
    ;;
  run)
    shift
    cuda_env
    export SKINSAM_REPO_ROOT="${SKINSAM_REPO_ROOT:-$(pwd)}"
    if [ $# -eq 0 ]; then
      set -- --filter '*Encoder*' '*Decoder*' '*WholeImage*' '*GpuIoBinding*' --warmupCount 1 --iterationCount 5
    fi
    # A published self-contained app cannot build BenchmarkDotNet's child projects: always in-process.
    "$OUT/SkinSam.Sdk.Benchmarks" "$@" --inProcess --artifacts BenchmarkDotNet.Artifacts/gpu
    ;;
  *)
    sed -n '2,15p' "$0"
    exit 2
    ;;
esac
