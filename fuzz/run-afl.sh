#!/usr/bin/env bash
# Coverage-guided fuzzing of ImageFile.Decode with AFL++ and SharpFuzz, short run for CI (AFL_SECONDS, default 60).
# Installs nothing: needs afl-fuzz on PATH (Debian 12: apt-get install afl++, 4.04c) and the .NET SDK; the SharpFuzz
# instrumentation tool comes from the local tool manifest (.config/dotnet-tools.json) through `dotnet tool restore`.
#
# Steps: publish the harness to a fresh fuzz/bin/afl, instrument SixLabors.ImageSharp.dll and SkinSam.Sdk.ImageSharp.dll
# there (an assembly already instrumented is left as it is), run afl-fuzz on fuzz/corpus into fuzz/bin/afl-findings,
# print the key fuzzer_stats lines. Exits 1 when afl-fuzz fails, when it saves a crash (each one is copied to
# fuzz/bin/afl-crashes/ and replayed to show the exception), or when a saved hang does not finish within
# AFL_HANG_LIMIT seconds on replay (a slow decode that terminates is reported, not failed). Crashes and hangs are
# replayed with the uninstrumented build in fuzz/bin/ci (the one fuzz/run-ci.sh makes). See fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
SECONDS_TO_FUZZ="${AFL_SECONDS:-60}"
TIMEOUT_MS="${AFL_TIMEOUT_MS:-5000}"     # afl-fuzz -t: one input slower than this is saved as a hang
HANG_LIMIT="${AFL_HANG_LIMIT:-60}"       # seconds a saved hang may take on replay before it counts as a failure
RNG_SEED="${AFL_SEED:-20261127}"         # afl-fuzz -s; the run still depends on timing (see fuzz/README.md)
BUILD=fuzz/bin/afl
REPLAY_BUILD=fuzz/bin/ci   # not instrumented: the instrumented assemblies write to afl-fuzz's shared memory and fail outside it
FINDINGS=fuzz/bin/afl-findings
CRASHES=fuzz/bin/afl-crashes

command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: install AFL++ (Debian 12: apt-get install afl++)"; exit 2; }

dotnet tool restore >/dev/null
# A fresh folder each time: publish keeps a destination file that is newer than its source, so an instrumented
# ImageSharp.dll from an earlier run could outlive a package update. Instrumenting both assemblies takes a few seconds.
rm -rf "$BUILD"
dotnet publish fuzz/SkinSam.Fuzz/SkinSam.Fuzz.csproj -c Release -o "$BUILD" -v quiet -nologo
for dll in SixLabors.ImageSharp.dll SkinSam.Sdk.ImageSharp.dll; do
  if msg=$(dotnet sharpfuzz "$BUILD/$dll" 2>&1); then
    echo "instrumented $BUILD/$dll"
  elif grep -q "already instrumented" <<<"$msg"; then
    echo "already instrumented: $BUILD/$dll"
  else
    echo "dotnet sharpfuzz $BUILD/$dll failed: $msg"
    exit 1
  fi
done

rm -rf "$FINDINGS" "$CRASHES"
mkdir -p "$FINDINGS"
# AFL_SKIP_BIN_CHECK: dotnet itself carries no AFL instrumentation (SharpFuzz's runtime writes the coverage map).
# AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES / AFL_SKIP_CPUFREQ: CI machines whose core_pattern or CPU governor we do not own.
# AFL_NO_AFFINITY: do not pin to one core on a shared machine. AFL_NO_UI: plain log lines instead of the status screen.
echo "afl-fuzz for ${SECONDS_TO_FUZZ} s (seed ${RNG_SEED}, -t ${TIMEOUT_MS} ms), log in $FINDINGS/afl-fuzz.log"
start=$(date +%s)
rc=0
# This script's own AFL_* settings are taken out of afl-fuzz's environment (it warns about names it does not know).
env -u AFL_SECONDS -u AFL_TIMEOUT_MS -u AFL_HANG_LIMIT -u AFL_SEED \
  AFL_NO_UI=1 AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
  timeout $((SECONDS_TO_FUZZ + 120)) \
  afl-fuzz -V "$SECONDS_TO_FUZZ" -s "$RNG_SEED" -t "$TIMEOUT_MS" -m none -i fuzz/corpus -o "$FINDINGS" \
  -- dotnet "$BUILD/SkinSam.Fuzz.dll" afl >"$FINDINGS/afl-fuzz.log" 2>&1 || rc=$?
stats="$FINDINGS/default/fuzzer_stats"
if [ "$rc" -ne 0 ] || [ ! -f "$stats" ]; then
  echo "afl-fuzz failed (exit $rc); the end of its log:"
  sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$FINDINGS/afl-fuzz.log" | tail -30
  exit 1
fi

field() { sed -nE "s/^$1 +: (.*)$/\1/p" "$stats"; }
echo "afl-fuzz finished in $(($(date +%s) - start)) s:"
for key in execs_done execs_per_sec corpus_count bitmap_cvg edges_found stability saved_crashes saved_hangs; do
  printf '  %-14s %s\n' "$key" "$(field "$key")"
done
seeds=$(find fuzz/corpus -maxdepth 1 -type f | wc -l)
echo "  corpus grew from $seeds seeds to $(field corpus_count) inputs"

# The same build as fuzz/run-ci.sh's, made only when there is something to replay.
replay_build() { [ -n "${replay_built:-}" ] || dotnet build fuzz/SkinSam.Fuzz/SkinSam.Fuzz.csproj -c Release -o "$REPLAY_BUILD" -v quiet -nologo >/dev/null; replay_built=1; }

status=0
crashes=$(field saved_crashes)
if [ "${crashes:-0}" -gt 0 ]; then
  mkdir -p "$CRASHES"
  replay_build
  for f in "$FINDINGS"/default/crashes/id:*; do
    name="afl-crash-$(sha1sum "$f" | cut -c1-16)"
    cp "$f" "$CRASHES/$name"
    echo "CRASH saved to $CRASHES/$name; its exception:"
    dotnet "$REPLAY_BUILD/SkinSam.Fuzz.dll" replay "$CRASHES/$name" 2>&1 | head -40 || true
  done
  echo "Replay a crash with: dotnet build fuzz/SkinSam.Fuzz -c Release -o $REPLAY_BUILD && dotnet $REPLAY_BUILD/SkinSam.Fuzz.dll replay $CRASHES/NAME"
  echo "Once understood, keep it as fuzz/crashes/<descriptive-name> so that fuzz/run-ci.sh replays it in every run."
  status=1
fi

hangs=$(field saved_hangs)
if [ "${hangs:-0}" -gt 0 ]; then
  echo "afl-fuzz saved $hangs hang(s) (slower than ${TIMEOUT_MS} ms); replaying each with a ${HANG_LIMIT} s limit:"
  replay_build
  for f in "$FINDINGS"/default/hangs/id:*; do
    t0=$(date +%s%N)
    hrc=0
    timeout "$HANG_LIMIT" dotnet "$REPLAY_BUILD/SkinSam.Fuzz.dll" replay "$f" >/dev/null 2>&1 || hrc=$?
    ms=$((($(date +%s%N) - t0) / 1000000))
    if [ "$hrc" -eq 124 ]; then
      echo "  HANG $f: still running after ${HANG_LIMIT} s"
      status=1
    elif [ "$hrc" -ne 0 ]; then
      echo "  HANG $f: replay exited $hrc (a crash, see: dotnet $REPLAY_BUILD/SkinSam.Fuzz.dll replay '$f')"
      status=1
    else
      echo "  slow but terminating ($ms ms with process start): $f"
    fi
  done
fi

[ "$status" -eq 0 ] && echo "afl-fuzz: no crash"
exit $status
