#!/usr/bin/env bash
# Short benchmark run for CI (< 5 minutes on 2 cores): every suite on the tiny fixture model, CPU,
# BenchmarkDotNet's short job cut to 1 warm-up + 3 iterations of 100 ms, in-process (no per-run child
# project build). It fails only when a benchmark errors (a throw in setup or in a benchmark: the app exits 1
# and prints "FAILED: ..."); timings never fail it.
#
#   benchmarks/run-ci.sh                      # all suites
#   benchmarks/run-ci.sh '*Metrics*'          # BenchmarkDotNet filters
# Environment: SKINSAM_BENCH_MODELS (default tiny), SKINSAM_BENCH_PROVIDERS (default: all usable).
set -euo pipefail
cd "$(dirname "$0")/.."
export SKINSAM_BENCH_MODELS="${SKINSAM_BENCH_MODELS:-tiny}"
project=benchmarks/SkinSam.Sdk.Benchmarks/SkinSam.Sdk.Benchmarks.csproj
filters=("$@")
if [ ${#filters[@]} -eq 0 ]; then filters=('*'); fi

mkdir -p BenchmarkDotNet.Artifacts
dotnet build "$project" -c Release --nologo -v q
set +e
dotnet run -c Release --no-build --project "$project" -- \
  --filter "${filters[@]}" \
  --warmupCount 1 --iterationCount 3 --iterationTime 100 \
  --inProcess --artifacts BenchmarkDotNet.Artifacts/ci 2>&1 | tee BenchmarkDotNet.Artifacts/ci.log
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ] || grep -q "^FAILED:" BenchmarkDotNet.Artifacts/ci.log; then
  echo "run-ci.sh: a benchmark failed (exit $status); see the FAILED lines above." >&2
  exit 1
fi
if ! grep -Eq "^Ran [1-9][0-9]* benchmark case" BenchmarkDotNet.Artifacts/ci.log; then
  echo "run-ci.sh: no benchmark ran (filter matched nothing, or every model was skipped)." >&2
  exit 1
fi
# The paired-overhead mode (Inference/PairedOverhead.cs), briefly: it must run and write its JSON, never judged on timing.
for part in decode encode encode-aa; do
  dotnet run -c Release --no-build --project "$project" -- --paired $part --model "${SKINSAM_BENCH_MODELS%%,*}" --pairs 10 \
    --warmup 2 --out BenchmarkDotNet.Artifacts/paired-$part.json > BenchmarkDotNet.Artifacts/paired-$part.log 2>&1 \
    && grep -q '"differenceMedianMs"' BenchmarkDotNet.Artifacts/paired-$part.json \
    || { cat BenchmarkDotNet.Artifacts/paired-$part.log >&2; echo "run-ci.sh: --paired $part failed." >&2; exit 1; }
done
echo "run-ci.sh: all benchmarks ran (timings are informational only)."
