"""Side-by-side table of `skinsam evaluate` runs: pixel accuracy, Dice, IoU and HD95 per lesion type, the
calibration of the predicted IoU (Pearson correlation with the true IoU, over records.jsonl) and the empty
predictions, and whether the candidate is better than the reference on every row.

  /usr/bin/python3 tools/train/compare_reports.py --ref .cache/eval/skinsam-tiny-box-jitter \
      --cand .cache/eval/tiny1-256-box-jitter [--md out.md]

Each argument is an `--out` folder of `skinsam evaluate` (report.json and records.jsonl inside). "Better on a
row" means Dice at least as high (the other columns are shown, not judged); --strict also asks pixel accuracy
and IoU at least as high and HD95 at most as high.
"""
from __future__ import annotations

import argparse
import json
import math
import os

METRICS = ("pixel_accuracy", "dice", "iou", "hd95")


def read(folder: str):
    with open(os.path.join(folder, "report.json")) as f:
        run = json.load(f)["runs"][0]
    groups = {g["group"]: g for g in run["groups"]}
    records = []
    path = os.path.join(folder, "records.jsonl")
    if os.path.exists(path):
        with open(path) as f:
            records = [json.loads(line) for line in f if line.strip()]
    return run, groups, records


def calibration(records) -> tuple[float, int]:
    """(Pearson r of predicted IoU against true IoU, number of empty predictions)."""
    pairs = [(r["predicted_iou"], r["iou"]) for r in records if r.get("predicted_iou") is not None and r.get("iou") is not None]
    empty = sum(1 for r in records if r.get("tp", 1) + r.get("fp", 1) == 0)
    if len(pairs) < 3:
        return float("nan"), empty
    n = len(pairs)
    mx = sum(p for p, _ in pairs) / n
    my = sum(t for _, t in pairs) / n
    sxy = sum((p - mx) * (t - my) for p, t in pairs)
    sxx = sum((p - mx) ** 2 for p, _ in pairs)
    syy = sum((t - my) ** 2 for _, t in pairs)
    return (sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else float("nan")), empty


def mean(g, key) -> float:
    v = g.get(key)
    return float("nan") if v is None else float(v["mean"])


def row_better(ref, cand, strict: bool) -> bool:
    if not mean(cand, "dice") >= mean(ref, "dice"):
        return False
    if strict:
        return (mean(cand, "pixel_accuracy") >= mean(ref, "pixel_accuracy") and mean(cand, "iou") >= mean(ref, "iou")
                and mean(cand, "hd95") <= mean(ref, "hd95"))
    return True


def compare(ref_dir: str, cand_dir: str, strict: bool = False) -> tuple[str, bool]:
    rrun, rg, rrec = read(ref_dir)
    crun, cg, crec = read(cand_dir)
    lines = [f"reference `{rrun['model']}` ({ref_dir}) vs candidate `{crun['model']}` ({cand_dir}), prompt `{crun['prompt']}`, seed {crun['seed']}",
             "",
             "| Lesion type | n | pixel acc ref | cand | Dice ref | cand | Δ Dice | IoU ref | cand | HD95 ref | cand | better |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|"]
    all_better = True
    for name in rg:
        r, c = rg[name], cg.get(name)
        if c is None:
            continue
        b = row_better(r, c, strict)
        all_better &= b
        lines.append(f"| {name} | {r['n']} | {mean(r,'pixel_accuracy'):.4f} | {mean(c,'pixel_accuracy'):.4f} | {mean(r,'dice'):.4f} | "
                     f"{mean(c,'dice'):.4f} | {mean(c,'dice') - mean(r,'dice'):+.4f} | {mean(r,'iou'):.4f} | {mean(c,'iou'):.4f} | "
                     f"{mean(r,'hd95'):.2f} | {mean(c,'hd95'):.2f} | {'yes' if b else 'no'} |")
    (rc, re_), (cc, ce) = calibration(rrec), calibration(crec)
    lines += ["", f"predicted-vs-true IoU correlation: reference {rc:.3f}, candidate {cc:.3f}; empty predictions: reference {re_}, candidate {ce}",
              f"candidate better on every row ({'Dice, pixel accuracy, IoU, HD95' if strict else 'Dice'}): {'yes' if all_better else 'no'}"]
    return "\n".join(lines), all_better


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ref", required=True, help="skinsam evaluate --out folder of the reference model")
    ap.add_argument("--cand", required=True, nargs="+", help="one or more --out folders of candidates")
    ap.add_argument("--strict", action="store_true")
    ap.add_argument("--md", default=None, help="also write the tables to this markdown file")
    args = ap.parse_args()
    parts = []
    for c in args.cand:
        text, _ = compare(args.ref, c, args.strict)
        parts.append(text)
    out = "\n\n".join(parts)
    print(out)
    if args.md:
        with open(args.md, "w") as f:
            f.write(out + "\n")


if __name__ == "__main__":
    main()
