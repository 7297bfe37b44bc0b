"""Build the shifted validation set: the 796 validation images of HAM10000-lowres under each dermatoscope shift
of tools/train/shifts.py separately and all combined, in the layout `skinsam evaluate --layout ham10000` reads.

  /usr/bin/python3 tools/train/shifted_val.py --out .cache/shifted-val [--seed 0] [--shifts fov_circle,combined]

writes .cache/shifted-val/<shift>/{images/<id>.png, masks/<id>_segmentation.png, metadata.csv}
(generated data, git-ignored, never committed; about 20 MB per shift at 200x150). Deterministic: the k-th
validation image (metadata order) under shift number s uses numpy.random.default_rng([seed, s, k]); the shift
numbers are the order of shifts.SHIFTS, `combined` is number len(SHIFTS). Each folder is written to a temporary
name and renamed when complete, so an interrupted run leaves no half-written shift and a rerun skips finished ones.

Evaluate a model on every shift through the C# CLI (the same protocol as the validation split):
  /usr/bin/python3 tools/train/shifted_val.py --out .cache/shifted-val --evaluate models/skinsam-tiny \
      --skinsam samples/SkinSam.Cli/bin/Release/net10.0/linux-x64/skinsam --results .cache/eval-shifted
which runs, per shift and prompt (box-jitter, none),
  skinsam evaluate --model M --data .cache/shifted-val/<shift> --layout ham10000 --prompt P --seed 0 --out ... --no-plots
and prints the overall Dice per shift.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data as D  # noqa: E402
import shifts as S  # noqa: E402

ALL = list(S.SHIFTS) + ["combined"]


def shift_index(name: str) -> int:
    return ALL.index(name)


def apply_shift(name: str, img: np.ndarray, mask: np.ndarray, seed: int, k: int):
    rng = np.random.default_rng([seed, shift_index(name), k])
    if name == "combined":
        return S.combined(img, mask, rng)
    return S.SHIFTS[name](img, mask, rng)


def build_shift(name: str, rows, images, masks, val_idx, out: str, seed: int) -> str:
    final = os.path.join(out, name)
    if os.path.exists(os.path.join(final, "metadata.csv")):
        return final
    tmp = final + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.join(tmp, "images"))
    os.makedirs(os.path.join(tmp, "masks"))
    fields = list(rows[0].keys())
    meta = []
    for k, i in enumerate(val_idx):
        r = rows[i]
        img, m = apply_shift(name, images[i], masks[i], seed, k)
        iid = r["image_id"]
        # PNG for every shift: the jpeg shift's round trip is in the pixels, no second compression on top
        Image.fromarray(img).save(os.path.join(tmp, "images", iid + ".png"))
        Image.fromarray((m > 0).astype(np.uint8) * 255).save(os.path.join(tmp, "masks", iid + "_segmentation.png"))
        meta.append(r)
    with open(os.path.join(tmp, "metadata.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(meta)
    with open(os.path.join(tmp, "SHIFT.json"), "w") as f:
        json.dump({"shift": name, "seed": seed, "images": len(meta), "source": D.DATA_DIR,
                   "rule": "numpy.random.default_rng([seed, shift_index, k]) for the k-th validation image",
                   "licence": "CC BY-NC 4.0 (derived from HAM10000, Tschandl et al. 2018; masks Tschandl et al. 2020)"}, f, indent=2)
    shutil.rmtree(final, ignore_errors=True)
    os.replace(tmp, final)
    return final


def evaluate(model: str, skinsam: str, data_root: str, results: str, names, prompts) -> dict:
    out = {}
    tag = os.path.basename(os.path.normpath(model))
    for name in names:
        for p in prompts:
            dest = os.path.join(results, f"{tag}-{name}-{p}")
            if not os.path.exists(os.path.join(dest, "report.json")):
                cmd = [skinsam, "evaluate", "--model", model, "--data", os.path.join(data_root, name), "--layout", "ham10000",
                       "--prompt", p, "--seed", "0", "--out", dest, "--no-plots"]
                subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            with open(os.path.join(dest, "report.json")) as f:
                g = {x["group"]: x for x in json.load(f)["runs"][0]["groups"]}
            out[(name, p)] = g["overall"]["dice"]["mean"]
            print(f"{tag} {name:14s} {p:10s} Dice {out[(name, p)]:.4f}", flush=True)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=".cache/shifted-val")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--shifts", default=",".join(ALL), help=f"comma list of {ALL}")
    ap.add_argument("--evaluate", default=None, help="model folder to evaluate on every shift through the C# CLI")
    ap.add_argument("--skinsam", default="samples/SkinSam.Cli/bin/Release/net10.0/linux-x64/skinsam")
    ap.add_argument("--results", default=".cache/eval-shifted")
    ap.add_argument("--prompts", default="box-jitter,none")
    args = ap.parse_args()
    names = [s for s in args.shifts.split(",") if s]
    bad = [s for s in names if s not in ALL]
    if bad:
        ap.error(f"expected shifts from {ALL}; got {bad}")
    rows, images, masks = D.load_arrays()
    val_idx = [i for i, r in enumerate(rows) if D.is_val_lesion(r["lesion_id"])]
    for name in names:
        path = build_shift(name, rows, images, masks, val_idx, args.out, args.seed)
        print(f"{name}: {path}", flush=True)
    if args.evaluate:
        evaluate(args.evaluate, args.skinsam, args.out, args.results, names, args.prompts.split(","))


if __name__ == "__main__":
    main()
