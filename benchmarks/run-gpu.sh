#!/usr/bin/env bash
# GPU recipe for the SkinSam.Sdk benchmarks (see docs/benchmarks.md, "GPU runs").
#
#   benchmarks/run-gpu.sh publish   # on a build machine: self-contained linux-x64 app with the CUDA ONNX Runtime
#   benchmarks/run-gpu.sh split     # cut the ~285 MB CUDA provider library into 60 MB parts (to carry it in pieces)
#   benchmarks/run-gpu.sh join      # on the GPU machine: put the parts back together (checks the sha256)
#   benchmarks/run-gpu.sh check     # nvidia-smi, ldd of the CUDA provider, what the providers see
#   benchmarks/run-gpu.sh run [BenchmarkDotNet args]   # inference suites on cpu, cuda (and tensorrt when usable)
#
# Environment: OUT (default out/bench-gpu), CUDA_HOME (default /usr/local/cuda), CUDNN_LIB (folder of
# libcudnn*.so.9 when not in CUDA_HOME/lib64 or the system paths), SKINSAM_BENCH_MODELS (default tiny,skinsam-tiny,vit_b).
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
    sed -n '2,12p' "$0"
    exit 2
    ;;
esac
