#!/usr/bin/env bash
# Images per second of `skinsam segment` and `skinsam evaluate` over a folder of HAM10000 images, as whole
# processes (start-up and model load included), two builds alternating A B A B ... so that both see the same load.
# The machine's load average is printed before and after: on a shared machine the figures are "busy machine"
# figures, comparable between A and B of one call, not with a quiet machine's.
#
#   benchmarks/cli-throughput.sh SKINSAM_A [SKINSAM_B]
#     SKINSAM_A, SKINSAM_B: the skinsam executables to compare (e.g. this branch's
#       samples/SkinSam.Cli/bin/Release/net10.0/linux-x64/skinsam and another checkout's).
# Environment: DATA (default ../shared/datasets/ham10000-lowres), N images (default 200, the first N by name),
#   RUNS per command and build (default 3), MODEL (default models/skinsam-tiny), COMMANDS (default "segment evaluate"),
#   ARGS_A, ARGS_B: extra arguments for A's and B's runs of both commands (e.g. ARGS_A="--threads 1"; with the same
#   executable as A and B this compares two settings). evaluate's --parallel is passed only to evaluate.
# The images are copied into a temporary folder (removed at the end); nothing is written into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
a="${1:?usage: benchmarks/cli-throughput.sh SKINSAM_A [SKINSAM_B]}"
b="${2:-}"
data="${DATA:-../shared/datasets/ham10000-lowres}"
n="${N:-200}"
runs="${RUNS:-3}"
model="$(realpath "${MODEL:-models/skinsam-tiny}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/data/images" "$work/data/masks"
find "$data/images" -maxdepth 1 -name '*.jpg' | sort | awk -v n="$n" 'NR <= n' > "$work/list"
while read -r f; do
  id="$(basename "$f" .jpg)"
  cp "$f" "$work/data/images/"
  cp "$data/masks/${id}_segmentation.png" "$work/data/masks/"
done < "$work/list"
count="$(wc -l < "$work/list")"

# One run: prints its wall seconds; fails loudly when the command fails.
run_once() {
  local exe="$1" what="$2" extra="$3" out="$work/out-$RANDOM" start end
  local -a args=() given
  read -r -a given <<< "$extra"
  for ((i = 0; i < ${#given[@]}; i++)); do # segment has no --parallel: drop it and its value
    if [ "$what" = segment ] && [ "${given[i]}" = --parallel ]; then i=$((i + 1)); else args+=("${given[i]}"); fi
  done
  start="$(date +%s.%N)"
  if [ "$what" = segment ]; then
    "$exe" segment "$work/data/images" --box 20,15,180,135 --model "$model" --out "$out" "${args[@]}" > "$work/log" 2>&1
  else
    "$exe" evaluate --data "$work/data" --layout folders --mask-pattern '{id}_segmentation.png' --prompt box-jitter \
      --model "$model" --out "$out" --no-plots "${args[@]}" > "$work/log" 2>&1
  fi || { echo "cli-throughput.sh: $exe $what failed:" >&2; cat "$work/log" >&2; exit 1; }
  end="$(date +%s.%N)"
  rm -rf "$out"
  echo "$end - $start" | bc -l
}

echo "images: $count from $data; runs: $runs per command and build; model: $model; A args: '${ARGS_A:-}'; B args: '${ARGS_B:-}'"
echo "load before: $(uptime)"
for what in ${COMMANDS:-segment evaluate}; do
  for exe in "$a" ${b:+"$b"}; do "$exe" --version > /dev/null 2>&1 || true; done # warm the file cache
  ta=(); tb=()
  for ((r = 0; r < runs; r++)); do
    ta+=("$(run_once "$a" "$what" "${ARGS_A:-}")")
    if [ -n "$b" ]; then tb+=("$(run_once "$b" "$what" "${ARGS_B:-}")"); fi
  done
  median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
  ma="$(median "${ta[@]}")"
  printf '%-8s A: median %.2f s (%s), %.1f images/s\n' "$what" "$ma" "${ta[*]}" "$(echo "$count / $ma" | bc -l)"
  if [ -n "$b" ]; then
    mb="$(median "${tb[@]}")"
    printf '%-8s B: median %.2f s (%s), %.1f images/s; A/B time %.3f\n' "$what" "$mb" "${tb[*]}" "$(echo "$count / $mb" | bc -l)" "$(echo "$ma / $mb" | bc -l)"
  fi
done
echo "load after: $(uptime)"
