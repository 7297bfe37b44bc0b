#!/usr/bin/env bash
# Accuracy cost of the precision variants (docs/models.md, "Precision variants"): SkinSAM-Tiny fp32 and its
# variants through `skinsam evaluate` on the 796 validation images (jittered box, seed 0, and no prompt), masks
# saved, then Dice/IoU per variant and mask agreement with fp32 (tools/compare_masks.py), as one markdown table.
#
#   benchmarks/precision-accuracy.sh [path/to/skinsam]
#
# Environment: OUT (default .cache/eval), DATA (default ../shared/datasets/ham10000-lowres), FP32 (default
# models/skinsam-tiny), VARIANTS_PREFIX (default .cache/models/skinsam-tiny-; the folders <prefix>fp16,
# <prefix>int8-dynamic, <prefix>int8-qdq made by tools/quantize.py), IDS (default models/skinsam-tiny/val_split.txt),
# LIMIT (evaluate only the first N images; default all), PROMPTS (default "box-jitter none"). An evaluation that
# already finished is resumed, not redone.
set -euo pipefail
CLI=${1:-samples/SkinSam.Cli/bin/Release/net10.0/linux-x64/skinsam}
OUT=${OUT:-.cache/eval}
DATA=${DATA:-../shared/datasets/ham10000-lowres}
FP32=${FP32:-models/skinsam-tiny}
PREFIX=${VARIANTS_PREFIX:-.cache/models/skinsam-tiny-}
IDS=${IDS:-models/skinsam-tiny/val_split.txt}
PROMPTS=${PROMPTS:-box-jitter none}
LIMIT_ARGS=()
if [ -n "${LIMIT:-}" ]; then LIMIT_ARGS=(--limit "$LIMIT"); fi
[ -x "$CLI" ] || { echo "precision-accuracy.sh: error: expected the skinsam CLI at $CLI; build samples/SkinSam.Cli first" >&2; exit 2; }
echo "load before: $(uptime)"
for prompt in $PROMPTS; do
  for v in fp32 fp16 int8-dynamic int8-qdq; do
    if [ "$v" = fp32 ]; then model=$FP32; else model=$PREFIX$v; fi
    [ -f "$model/model.json" ] || { echo "precision-accuracy.sh: error: expected a model folder at $model (tools/quantize.py)" >&2; exit 2; }
    start=$(date +%s)
    "$CLI" evaluate --model "$model" --data "$DATA" --layout ham10000 --prompt "$prompt" --seed 0 --ids "$IDS" \
      "${LIMIT_ARGS[@]}" --save-masks --no-plots --out "$OUT/$v-$prompt" > "$OUT/$v-$prompt.log" 2>&1 \
      || { echo "precision-accuracy.sh: error: evaluate failed, see $OUT/$v-$prompt.log" >&2; exit 1; }
    echo "$v $prompt: $(( $(date +%s) - start )) s"
  done
done
echo "load after: $(uptime)"
/usr/bin/python3 - "$OUT" $PROMPTS <<'PY'
import json, os, subprocess, sys
out, prompts = sys.argv[1], sys.argv[2:]
print("| prompt | precision | Dice | IoU | pixel accuracy | mask IoU with fp32: mean / 5th pct / min | pixel agreement with fp32: mean / min | images identical to fp32 |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for prompt in prompts:
    for v in ("fp32", "fp16", "int8-dynamic", "int8-qdq"):
        with open(os.path.join(out, f"{v}-{prompt}", "report.json")) as handle:
            overall = next(g for g in json.load(handle)["runs"][0]["groups"] if g["group"] == "overall")
        cells = [prompt, v, f"{overall['dice']['mean']:.4f}", f"{overall['iou']['mean']:.4f}", f"{overall['pixel_accuracy']['mean']:.4f}"]
        if v == "fp32":
            cells += ["(reference)", "(reference)", f"{overall['n']}"]
        else:
            done = subprocess.run([sys.executable, "tools/compare_masks.py", os.path.join(out, f"fp32-{prompt}", "masks"),
                                   os.path.join(out, f"{v}-{prompt}", "masks")], capture_output=True, text=True, check=True)
            a = json.loads(done.stdout)
            cells += [f"{a['meanIou']:.4f} / {a['p5Iou']:.4f} / {a['minIou']:.4f}",
                      f"{a['meanPixelAgreement']:.5f} / {a['minPixelAgreement']:.4f}", f"{a['identical']} of {a['images']}"]
        print("| " + " | ".join(cells) + " |")
PY
