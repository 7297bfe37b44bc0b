#!/usr/bin/env bash
# The quiet-machine benchmark session of docs/benchmarks.md ("Quiet-machine run 2"): decode overhead on the tiny
# fixture (default GC and LOHThreshold 16 MB), SkinSAM-Tiny, ViT-B (generate it first: the app's --prepare-models)
# and the PyTorch anchor on ViT-B. About 18 minutes on 2 idle cores. Logs and artifacts under results/quiet.
set -uo pipefail
cd "$(dirname "$0")/.."
R=results/quiet; mkdir -p $R
P=benchmarks/SkinSam.Sdk.Benchmarks/SkinSam.Sdk.Benchmarks.csproj
date -u +%FT%TZ > $R/start.txt; git rev-parse --short HEAD >> $R/start.txt; uptime >> $R/start.txt
dotnet build $P -c Release -v q -nologo > $R/build.log 2>&1 || { echo build failed; exit 1; }
B="dotnet run -c Release --no-build --project $P --"
J="--warmupCount 1 --iterationCount 5 --inProcess"
# 1. decode overhead on the tiny fixture: default GC, then LOHThreshold 16 MB
SKINSAM_BENCH_MODELS=tiny $B --filter '*DecoderBenchmarks*' --warmupCount 2 --iterationCount 15 --inProcess --artifacts $R/dec-default > $R/dec-default.log 2>&1
SKINSAM_BENCH_MODELS=tiny DOTNET_GCLOHThreshold=0x1000000 $B --filter '*DecoderBenchmarks*' --warmupCount 2 --iterationCount 15 --inProcess --artifacts $R/dec-loh > $R/dec-loh.log 2>&1
# 2. SkinSAM-Tiny: encoder, decoder, whole image (latency target: encode + one decode <= 50 ms)
SKINSAM_BENCH_MODELS=skinsam-tiny $B --filter '*EncoderBenchmarks*' '*DecoderBenchmarks*' '*WholeImage*' $J --artifacts $R/skinsam-tiny > $R/skinsam-tiny.log 2>&1
# 3. ViT-B: encoder, decoder, whole image, throughput
SKINSAM_BENCH_MODELS=vit_b $B --filter '*EncoderBenchmarks*' '*DecoderBenchmarks*' --warmupCount 1 --iterationCount 3 --invocationCount 1 --unrollFactor 1 --inProcess --artifacts $R/vitb-encdec > $R/vitb-encdec.log 2>&1
SKINSAM_BENCH_MODELS=vit_b $B --filter '*Throughput*' --warmupCount 1 --iterationCount 3 --invocationCount 1 --unrollFactor 1 --inProcess --artifacts $R/vitb-tput > $R/vitb-tput.log 2>&1
# 4. PyTorch eager anchor, same weights (random init seed 0), tiny fixture config and ViT-B
/usr/bin/python3 benchmarks/pytorch_anchor.py --model vit_b --seed 0 --encoder-runs 2 --decoder-runs 5 --out $R/anchor-vitb.json > $R/anchor-vitb.log 2>&1
date -u +%FT%TZ >> $R/start.txt
echo done
