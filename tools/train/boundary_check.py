"""Issue 18.4, boundaries at full resolution: how far the 256 x 256 decoder grid limits the mask edge of a
768 x 576 image, on sharp synthetic lesions whose true outline is known exactly.

  /usr/bin/python3 tools/train/boundary_check.py --model models/skinsam-tiny --n 12 [--md .cache/boundary.md]

For each synthetic image (skin-coloured noisy background, one dark lesion with a wavy, sharp outline, seeded)
it compares, at 768 x 576, Dice and HD95 (px) against the true outline of:
  graph      the decoder graph's route for the SAM 1024 frame (256 -> 1024 -> crop -> 768 x 576, bilinear), on the
             model's own logits for a tight box (the weights read back from the ONNX files, tools/train/onnx_weights.py);
  graph-256  the 256-frame route of the inputSize-256 export (256 -> crop -> 768 x 576);
  grid-limit the true mask taken down to the 256 frame (area average, as a perfect low-res logit would be) and
             brought back by the same bilinear route: the best any mask on the 256 grid can do;
  guided     `graph` refined by a guided filter (He et al. 2010) on the full-resolution image: an edge-aware
             upsampling that needs the original image, which the SAM decoder contract does not pass to the graph.
"""
from __future__ import annotations

import argparse
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from scipy import ndimage

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data as D  # noqa: E402
import model as M  # noqa: E402
import onnx_weights as W  # noqa: E402

H, W_ = 576, 768


def synthetic(rng: np.random.Generator):
    """(uint8 image [576,768,3], bool mask): a wavy-edged dark lesion on noisy skin."""
    yy, xx = np.mgrid[0:H, 0:W_].astype(np.float64)
    cx, cy = W_ / 2 + rng.uniform(-80, 80), H / 2 + rng.uniform(-60, 60)
    r0 = rng.uniform(110, 190)
    sx = rng.uniform(0.8, 1.25)
    ang = np.arctan2(yy - cy, (xx - cx) / sx)
    r = r0 * (1 + sum(rng.uniform(0.02, 0.09) * np.cos(k * ang + rng.uniform(0, 2 * math.pi)) for k in (2, 3, 5, 7, 11)))
    mask = np.hypot((xx - cx) / sx, yy - cy) < r
    skin = np.array([rng.uniform(190, 230), rng.uniform(140, 175), rng.uniform(120, 150)])
    lesion = np.array([rng.uniform(70, 130), rng.uniform(40, 80), rng.uniform(30, 60)])
    img = np.where(mask[..., None], lesion, skin) + rng.normal(0, 6, (H, W_, 3))
    return np.clip(img + 0.5, 0, 255).astype(np.uint8), mask


def hd95(a: np.ndarray, b: np.ndarray) -> float:
    if not a.any() or not b.any():
        return float("inf")
    ea = a & ~ndimage.binary_erosion(a)
    eb = b & ~ndimage.binary_erosion(b)
    da = ndimage.distance_transform_edt(~eb)[ea]
    db = ndimage.distance_transform_edt(~ea)[eb]
    return float(np.percentile(np.concatenate([da, db]), 95))


def dice(a: np.ndarray, b: np.ndarray) -> float:
    return 2 * float((a & b).sum()) / max(1.0, float(a.sum() + b.sum()))


def guided_filter(guide: np.ndarray, src: np.ndarray, r: int, eps: float) -> np.ndarray:
    """He et al.'s guided filter with a grey guide (box filters of radius r)."""
    def box(x):
        return ndimage.uniform_filter(x, size=2 * r + 1, mode="reflect")
    mi, mp = box(guide), box(src)
    cov = box(guide * src) - mi * mp
    var = box(guide * guide) - mi * mi
    a = cov / (var + eps)
    b = mp - a * mi
    return box(a) * guide + box(b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="models/skinsam-tiny")
    ap.add_argument("--n", type=int, default=12)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--md", default=None)
    args = ap.parse_args()
    torch.set_num_threads(2)
    m = W.load_from_onnx(args.model)
    rows = {k: [] for k in ("graph", "graph-256", "grid-limit", "guided")}
    size = torch.tensor([float(H), float(W_)])
    for k in range(args.n):
        rng = np.random.default_rng([args.seed, k])
        img, mask = synthetic(rng)
        ys, xs = np.nonzero(mask)
        box = D.box_prompt((float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())), H, W_)
        coords, labels = torch.from_numpy(box.coords)[None], torch.from_numpy(box.labels)[None]
        with torch.no_grad():
            emb = m.encoder.forward_pooled(D.frame_input(img, 256)[None])
            low, iou = m.decoder(emb, coords, labels, torch.zeros(1, 1, 256, 256), torch.zeros(1))
            best = int(iou.argmax(1))
            full = M.mask_postprocessing(low[:, best:best + 1], size, 1024)[0, 0].numpy()
            f256 = M.mask_postprocessing(low[:, best:best + 1], size, 256)[0, 0].numpy()
            gt_low = D.frame_mask(mask.astype(np.uint8), 256)[None, None] * 2 - 1  # +-1 "logits" of the true mask
            lim = M.mask_postprocessing(gt_low, size, 256)[0, 0].numpy()
        grey = img.astype(np.float64).mean(2) / 255.0
        prob = 1 / (1 + np.exp(-np.clip(full, -30, 30)))
        refined = guided_filter(grey, prob, r=4, eps=1e-3)
        for name, pred in (("graph", full > 0), ("graph-256", f256 > 0), ("grid-limit", lim > 0), ("guided", refined > 0.5)):
            rows[name].append((dice(pred, mask), hd95(pred, mask)))
    lines = [f"{args.n} synthetic 768x576 lesions (seed {args.seed}), tight box, model {args.model}", "",
             "| route | Dice mean | HD95 mean (px) | HD95 max (px) |", "|---|---:|---:|---:|"]
    for name, v in rows.items():
        d = np.array([x for x, _ in v])
        h = np.array([y for _, y in v])
        lines.append(f"| {name} | {d.mean():.4f} | {h.mean():.2f} | {h.max():.2f} |")
    out = "\n".join(lines)
    print(out)
    if args.md:
        with open(args.md, "w") as f:
            f.write(out + "\n")


if __name__ == "__main__":
    main()
