#!/usr/bin/env bash
# Checks over the whole shared data set (../shared/datasets/ham10000-lowres), run by .ci/run after the unit tests.
# 1. The ellipse-in-jittered-box baseline over all 7,949 development images must reproduce DESIGN 6's figure
#    (Dice about 0.88): a regression guard for the readers, prompt strategies and metrics at data-set scale.
# 2. The shipped default model on its validation split (models/skinsam-tiny/val_split.txt) through the C# SDK must
#    stay above the baseline and at least at the Dice recorded in its model card (minus a small margin).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${SKINSAM_DATA:-../shared/datasets/ham10000-lowres}"
if [ ! -d "$DATA" ]; then
  echo "shared data set not found at $DATA; expected ../shared beside the clone" >&2
  exit 1
fi
OUT=$(mktemp -d)
dotnet build samples/SkinSam.Cli -c Release -v quiet -nologo >/dev/null
CLI=(dotnet samples/SkinSam.Cli/bin/Release/net10.0/linux-x64/skinsam.dll)

check() { # name report.json metric min max
  /usr/bin/python3 - "$@" <<'PY'
import json, sys
name, path, metric, lo, hi = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
report = json.load(open(path))
def find(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if k.lower() == "overall" and isinstance(v, dict):
                return v
            r = find(v)
            if r is not None:
                return r
    if isinstance(o, list):
        for v in o:
            if isinstance(v, dict) and str(v.get("group", v.get("name", ""))).lower() == "overall":
                return v
            r = find(v)
            if r is not None:
                return r
    return None
overall = find(report)
if overall is None:
    sys.exit(f"{name}: no 'overall' row in {path}")
def value(o, key):
    for k, v in o.items():
        if k.lower() == key.lower():
            return v["mean"] if isinstance(v, dict) and "mean" in v else v
        if isinstance(v, dict):
            r = value(v, key)
            if r is not None:
                return r
    return None
v = value(overall, metric)
if v is None:
    sys.exit(f"{name}: no '{metric}' in the overall row of {path}")
ok = lo <= float(v) <= hi
print(f"{name}: overall {metric} = {float(v):.4f} (expected {lo} to {hi}) {'ok' if ok else 'FAILED'}")
sys.exit(0 if ok else 1)
PY
}

status=0
start=$(date +%s)
"${CLI[@]}" evaluate --data "$DATA" --layout ham10000 --baseline ellipse --prompt box-jitter --seed 0 --out "$OUT/ellipse" --no-plots >"$OUT/ellipse.log" 2>&1 || { cat "$OUT/ellipse.log"; status=1; }
echo "ellipse baseline over $(wc -l < "$OUT/ellipse/records.jsonl") images in $(( $(date +%s) - start )) s"
check "ellipse baseline, box-jitter, all images" "$OUT/ellipse/report.json" dice 0.870 0.895 || status=1

start=$(date +%s)
"${CLI[@]}" evaluate --data "$DATA" --layout ham10000 --model models/skinsam-tiny --prompt box-jitter --seed 0 \
  --ids models/skinsam-tiny/val_split.txt --out "$OUT/tiny" --no-plots >"$OUT/tiny.log" 2>&1 || { cat "$OUT/tiny.log"; status=1; }
echo "skinsam-tiny over $(wc -l < "$OUT/tiny/records.jsonl") validation images in $(( $(date +%s) - start )) s"
check "skinsam-tiny, box-jitter, validation split" "$OUT/tiny/report.json" dice "${SKINSAM_TINY_MIN_DICE:-0.94}" 1.0 || status=1

# The no-prompt mode (model card: Dice 0.9121; the project's target is 0.90).
start=$(date +%s)
"${CLI[@]}" evaluate --data "$DATA" --layout ham10000 --model models/skinsam-tiny --prompt none --seed 0 \
  --ids models/skinsam-tiny/val_split.txt --out "$OUT/tiny-none" --no-plots >"$OUT/tiny-none.log" 2>&1 || { cat "$OUT/tiny-none.log"; status=1; }
echo "skinsam-tiny without a prompt over $(wc -l < "$OUT/tiny-none/records.jsonl") validation images in $(( $(date +%s) - start )) s"
check "skinsam-tiny, no prompt, validation split" "$OUT/tiny-none/report.json" dice "${SKINSAM_TINY_NONE_MIN_DICE:-0.90}" 1.0 || status=1

rm -rf "$OUT"
exit $status
