#!/usr/bin/env bash
# Short fuzzing job for CI (about 60 s after the build): replays the seed corpus and any saved crashes, then mutates the
# corpus at random for FUZZ_SECONDS (default 45) without coverage feedback. Fails (exit 1) on any exception from
# ImageFile.Decode other than ImageDecodeException; the crashing input is saved under the build output's crashes/.
# The coverage-guided job is fuzz/run-afl.sh (AFL++, run after this one in CI); longer runs: see fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
SECONDS_TO_FUZZ="${FUZZ_SECONDS:-45}"
SEED="${FUZZ_SEED:-$(date +%s)}"
dotnet build fuzz/SkinSam.Fuzz/SkinSam.Fuzz.csproj -c Release -o fuzz/bin/ci -v quiet -nologo
inputs=(fuzz/corpus)
[ -d fuzz/crashes ] && inputs+=(fuzz/crashes)
dotnet fuzz/bin/ci/SkinSam.Fuzz.dll replay "${inputs[@]}"
timeout $((SECONDS_TO_FUZZ + 60)) dotnet fuzz/bin/ci/SkinSam.Fuzz.dll mutate fuzz/corpus "$SECONDS_TO_FUZZ" "$SEED"
