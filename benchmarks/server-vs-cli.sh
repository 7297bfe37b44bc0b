#!/usr/bin/env bash
# Images per second of SkinSam.Server (driven by benchmarks/SkinSam.LoadGenerator over 127.0.0.1) against
# `skinsam segment` on the same images with the same box prompt (issue 21, item 4: the service must reach at least
# 80 % of the CLI's images/s on 2 cores). The two alternate, server run then CLI run, RUNS times, so both see the
# same load; the medians, their ratio, the service's p50/p95 latency and the load average (`uptime`) are printed.
#
#   benchmarks/server-vs-cli.sh
# Environment:
#   DATA      images folder root (default ../shared/datasets/ham10000-lowres; its images/ are read in place)
#   N         images, the first N by name (default 200)
#   RUNS      rounds of (server run, CLI run) (default 3)
#   PASSES    times the load generator posts each image per run (default 2)
#   CLIENTS   load generator clients (default 8)
#   MODEL     model folder (default models/skinsam-tiny)
#   SKINSAM   the CLI executable (default samples/SkinSam.Cli/bin/Release/net10.0/linux-x64/skinsam, built if missing)
#   SERVER_ARGS  extra server arguments, e.g. "--SkinSam:IntraOpThreads=2 --SkinSam:Serving:MaxConcurrentRequests=1"
#   CPUS      run both under `taskset -c CPUS`, e.g. 0,1 on a larger machine (default: no pinning)
# The CLI's figure is a whole process (start-up and model load included, as benchmarks/cli-throughput.sh times it)
# writing mask, overlay and JSON per image; the service's is its steady state after a warm-up pass (model loaded
# and warmed up once at start), writing the mask PNG. Nothing is written into the repository; the service listens on
# 127.0.0.1 only and is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
data="${DATA:-../shared/datasets/ham10000-lowres}"
n="${N:-200}"
runs="${RUNS:-3}"
passes="${PASSES:-2}"
clients="${CLIENTS:-8}"
model="$(realpath "${MODEL:-models/skinsam-tiny}")"
skinsam="${SKINSAM:-samples/SkinSam.Cli/bin/Release/net10.0/linux-x64/skinsam}"
box="20,15,180,135"
pin=()
if [ -n "${CPUS:-}" ]; then pin=(taskset -c "$CPUS"); fi
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2> /dev/null || true; wait "$server_pid" 2> /dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

find "$data/images" -maxdepth 1 -name '*.jpg' | sort | awk -v n="$n" 'NR <= n' > "$work/list"
count="$(wc -l < "$work/list")"
mapfile -t files < "$work/list"

echo "building the service, the load generator and (if missing) the CLI (Release)..."
dotnet publish samples/SkinSam.Server/SkinSam.Server.csproj -c Release -o "$work/server" > "$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; exit 1; }
dotnet build benchmarks/SkinSam.LoadGenerator/SkinSam.LoadGenerator.csproj -c Release -o "$work/loadgen" > "$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; exit 1; }
if [ ! -x "$skinsam" ]; then
  dotnet build samples/SkinSam.Cli/SkinSam.Cli.csproj -c Release > "$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
fi

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
url="http://127.0.0.1:$port"
# shellcheck disable=SC2086 # SERVER_ARGS is a list of arguments
"${pin[@]}" dotnet "$work/server/SkinSam.Server.dll" --urls "$url" --SkinSam:ModelPath="$model" \
  --Logging:LogLevel:Default=Warning ${SERVER_ARGS:-} > "$work/server.log" 2>&1 &
server_pid=$!
for ((i = 0; i < 600; i++)); do
  if curl -sf "$url/health/ready" > "$work/ready" 2> /dev/null; then break; fi
  if ! kill -0 "$server_pid" 2> /dev/null; then echo "server-vs-cli.sh: the service exited:" >&2; cat "$work/server.log" >&2; exit 1; fi
  sleep 0.2
done
curl -sf "$url/health/ready" > "$work/ready" || { echo "server-vs-cli.sh: the service did not get ready in 120 s" >&2; cat "$work/server.log" >&2; exit 1; }

server_once() {
  "${pin[@]}" dotnet "$work/loadgen/SkinSam.LoadGenerator.dll" --url "$url" --clients "$clients" \
    --requests "$((count * passes))" --warmup "$count" --box "$box" "${files[@]}" > "$work/loadgen.log" 2>&1 \
    || { echo "server-vs-cli.sh: the load generator failed:" >&2; cat "$work/loadgen.log" >&2; exit 1; }
  grep '^result:' "$work/loadgen.log"
}

# Wall seconds of one `skinsam segment` process over the given images.
cli_seconds() {
  local out="$work/out-$RANDOM" start end
  start="$(date +%s.%N)"
  "${pin[@]}" "$skinsam" segment "$@" --box "$box" --model "$model" --out "$out" > "$work/cli.log" 2>&1 \
    || { echo "server-vs-cli.sh: $skinsam segment failed:" >&2; cat "$work/cli.log" >&2; exit 1; }
  end="$(date +%s.%N)"
  rm -rf "$out"
  echo "$end - $start" | bc -l
}

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }

echo "images: $count (first by name) from $data/images; box $box; model $model"
echo "service: $(cat "$work/ready"); clients $clients, $((count * passes)) timed requests per run after $count warm-up; ${SERVER_ARGS:-default settings}${CPUS:+; pinned to CPUs $CPUS}"
echo "load before: $(uptime)"
s_rate=(); s_p50=(); s_p95=(); c_rate=(); c_steady=()
for ((r = 0; r < runs; r++)); do
  line="$(server_once)"
  s_rate+=("$(echo "$line" | field images_per_s)"); s_p50+=("$(echo "$line" | field p50_ms)"); s_p95+=("$(echo "$line" | field p95_ms)")
  # The whole process over N images, and over the first image alone: the difference is N - 1 images without the
  # start-up and model load, the CLI's steady rate.
  t_all="$(cli_seconds "${files[@]}")"
  t_one="$(cli_seconds "${files[0]}")"
  c_rate+=("$(echo "$count / $t_all" | bc -l)")
  c_steady+=("$(echo "($count - 1) / ($t_all - $t_one)" | bc -l)")
  printf 'run %d: service %.1f images/s (p50 %.0f ms, p95 %.0f ms); CLI %.1f images/s whole process, %.1f without start-up (%.2f s for 1 image); load %s\n' \
    "$((r + 1))" "${s_rate[-1]}" "${s_p50[-1]}" "${s_p95[-1]}" "${c_rate[-1]}" "${c_steady[-1]}" "$t_one" "$(cut -d' ' -f1-3 /proc/loadavg)"
done
ms="$(median "${s_rate[@]}")"; mc="$(median "${c_rate[@]}")"; mcs="$(median "${c_steady[@]}")"
printf 'service: median %.1f images/s, p50 %.0f ms, p95 %.0f ms (medians over runs)\n' "$ms" "$(median "${s_p50[@]}")" "$(median "${s_p95[@]}")"
printf 'CLI:     median %.1f images/s whole process, %.1f images/s without start-up\n' "$mc" "$mcs"
printf 'ratio service/CLI: %.3f against the whole process, %.3f against the CLI without start-up (issue 21 asks for >= 0.8)\n' \
  "$(echo "$ms / $mc" | bc -l)" "$(echo "$ms / $mcs" | bc -l)"
echo "load after: $(uptime)"
