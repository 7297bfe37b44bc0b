#!/usr/bin/env bash
# The full-size-model benchmark session of docs/benchmarks.md ("Quiet-machine run 3"): encoder and decoder, SDK vs
# bare ONNX Runtime, for ViT-B, ViT-L and ViT-H (random weights from tools/export.py --random-init <type> --seed 0 in
# .cache/models; generate them first: ViT-L ~3 min, ViT-H ~4 min), then the PyTorch eager anchor on the same weights
# with Debian 12's PyTorch 1.13 (ViT-B) and, when CURRENT_TORCH_ROOT names the chroot that
# tools/compat/check-current-torch.sh builds, with Debian unstable's current PyTorch (ViT-B, ViT-L, ViT-H).
#
# Every benchmark case runs in its own process: a fixture holds the model twice (SDK and bare sessions, each with its
# own ONNX Runtime arena), and four ViT-H cases in one process grew past the 24 GiB of this machine (OOM kill).
# STEPS picks parts: sdk (encoder and decoder, 3 iterations), encoder (only the encoder's), decoder (15 iterations
# of 4 decodes), paired (--paired decode, encode and the encode-aa control: alternating in one process;
# ENCODE_PAIRS, default 4), anchor.
# About an hour on 2 idle cores for everything; run it with nohup. Logs and artifacts under results/large.
# Needs root for the chroot.
set -uo pipefail
cd "$(dirname "$0")/.."
R=results/large; mkdir -p $R
P=benchmarks/SkinSam.Sdk.Benchmarks/SkinSam.Sdk.Benchmarks.csproj
MODELS=${MODELS:-vit_b vit_l vit_h}
STEPS=${STEPS:-sdk decoder paired anchor}
has() { [[ " $STEPS " == *" $1 "* ]]; }
for m in $MODELS; do
  [ -f .cache/models/$m-random-0/model.json ] || { echo "missing .cache/models/$m-random-0: run tools/export.py --random-init $m --seed 0"; exit 1; }
done
{ date -u +%FT%TZ; git rev-parse --short HEAD; uptime; echo "steps: $STEPS; models: $MODELS"; } >> $R/start.txt
dotnet build $P -c Release -v q -nologo > $R/build.log 2>&1 || { echo build failed; exit 1; }
bench() {  # model, label, filter, BenchmarkDotNet job arguments...
  local m=$1 label=$2 filter=$3; shift 3
  echo "$(date -u +%T) $m $label" >> $R/start.txt
  SKINSAM_BENCH_MODELS=$m DOTNET_GCLOHThreshold=0x1000000 dotnet run -c Release --no-build --project $P -- \
    --filter "$filter" "$@" --inProcess --artifacts $R/$m-$label > $R/$m-$label.log 2>&1 \
    || echo "$m $label: benchmark run failed (see $R/$m-$label.log)" >> $R/start.txt
}
J3="--warmupCount 1 --iterationCount 3 --invocationCount 1 --unrollFactor 1"
J15="--warmupCount 3 --iterationCount 15 --invocationCount 4 --unrollFactor 1"
for m in $MODELS; do
  if has sdk || has encoder; then
    for method in BareEncode SdkEncode; do bench $m $method "*EncoderBenchmarks.$method*" $J3; done
  fi
  if has sdk; then
    for method in BareDecode SdkDecode; do bench $m $method "*DecoderBenchmarks.$method*" $J3; done
  fi
  if has decoder; then
    for method in BareDecode SdkDecode; do bench $m $method-15x4 "*DecoderBenchmarks.$method*" $J15; done
  fi
done
# Paired: bare and SDK calls alternating in one process (the VM's speed phases cancel within a pair)
paired() {  # model, decode|encode|encode-aa, pairs
  echo "$(date -u +%T) $1 paired $2 ($3 pairs)" >> $R/start.txt
  SKINSAM_BENCH_MODELS=$1 DOTNET_GCLOHThreshold=0x1000000 dotnet run -c Release --no-build --project $P -- \
    --paired $2 --model $1 --pairs $3 --out $R/paired-$2-$1.json > $R/paired-$2-$1.log 2>&1 \
    || echo "$1 paired $2 failed (see $R/paired-$2-$1.log)" >> $R/start.txt
}
if has paired; then
  # ENCODE_PAIRS: 100 ViT-B pairs take about 30 minutes here (run 4); encode-aa is the control (two SDK instances).
  for m in $MODELS; do paired $m decode 200; paired $m encode ${ENCODE_PAIRS:-4}; paired $m encode-aa ${ENCODE_PAIRS:-4}; done
fi
if has anchor; then
  echo "$(date -u +%T) anchor torch 1.13 vit_b" >> $R/start.txt
  /usr/bin/python3 benchmarks/pytorch_anchor.py --model vit_b --seed 0 --encoder-runs 2 --decoder-runs 5 \
    --out $R/anchor-1.13-vit_b.json > $R/anchor-1.13-vit_b.log 2>&1
  if [ -n "${CURRENT_TORCH_ROOT:-}" ]; then
    ROOT=$(cd "$CURRENT_TORCH_ROOT" && pwd)
    mount -t proc proc "$ROOT/proc"; mkdir -p "$ROOT/work/repo"; mount --bind "$PWD" "$ROOT/work/repo"
    trap 'umount -l "$ROOT/work/repo" "$ROOT/proc" 2>/dev/null' EXIT
    for m in $MODELS; do
      echo "$(date -u +%T) anchor current torch $m" >> $R/start.txt
      chroot "$ROOT" /usr/bin/env -i HOME=/root PATH=/usr/bin:/bin PYTHONDONTWRITEBYTECODE=1 \
        python3 /work/repo/benchmarks/pytorch_anchor.py --model $m --seed 0 --encoder-runs 2 --decoder-runs 5 \
        --out /work/repo/$R/anchor-current-$m.json > $R/anchor-current-$m.log 2>&1
    done
  fi
fi
{ date -u +%FT%TZ; echo done; } >> $R/start.txt
