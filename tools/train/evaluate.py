"""Evaluate SkinSAM-Tiny on the validation split (by lesion_id) in PyTorch, through the exact SAM path.

  /usr/bin/python3 tools/train/evaluate.py --ckpt .cache/train/final.pt --out .cache/eval.json --md .cache/eval.md

Per image: SAM preprocessing (PIL bilinear to long side 1024, normalise, zero pad), encoder,
decoder, SAM mask postprocessing (bilinear 256->1024, crop, bilinear to the original size),
then the mask with the highest predicted IoU, thresholded at logit 0. Metrics at the original
200x150 resolution against the ground-truth mask: pixel accuracy, Dice, IoU; averaged per image,
overall and per dx.

Prompts (1024 frame, coords = pixel index * 1024 / 200):
- tight_box: (x_min, y_min, x_max, y_max) of the mask's pixel indices, labels 2, 3.
- jittered_box: each side moved out by U(0, 20) px in the 1024 frame, rng = default_rng([seed, k])
  for the k-th validation image (seed 2026), clipped to [0, new_w-1] x [0, new_h-1].
- centre_point: the mask centroid (nearest mask pixel when the centroid is outside), label 1, plus
  the padding point.
- no_prompt: the padding point (0,0) label -1 alone.
Baselines: ellipse inscribed in the jittered box; the filled jittered box.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data as D  # noqa: E402
import model as M  # noqa: E402

DX = ["akiec", "bcc", "bkl", "df", "mel", "nv", "vasc"]


def metrics(pred: np.ndarray, gt: np.ndarray):
    pred, gt = pred.astype(bool), gt.astype(bool)
    tp = np.logical_and(pred, gt).sum()
    fp = np.logical_and(pred, ~gt).sum()
    fn = np.logical_and(~pred, gt).sum()
    acc = float((pred == gt).mean())
    dice = float(2 * tp / (2 * tp + fp + fn)) if (tp + fp + fn) else 1.0
    iou = float(tp / (tp + fp + fn)) if (tp + fp + fn) else 1.0
    return acc, dice, iou


def box_to_orig(coords, h, w):
    nh, nw = D.resized_size(h, w)
    return coords[0, 0] * w / nw, coords[0, 1] * h / nh, coords[1, 0] * w / nw, coords[1, 1] * h / nh


def ellipse_mask(box, h, w):
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    rx, ry = max((x1 - x0 + 1) / 2, 0.5), max((y1 - y0 + 1) / 2, 0.5)
    yy, xx = np.mgrid[0:h, 0:w]
    return ((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2 <= 1.0


def box_mask(box, h, w):
    x0, y0, x1, y1 = box
    yy, xx = np.mgrid[0:h, 0:w]
    return (xx >= x0 - 0.5) & (xx <= x1 + 0.5) & (yy >= y0 - 0.5) & (yy <= y1 + 0.5)


def prompts_for(mask, k, seed):
    h, w = mask.shape
    box = D.mask_box(mask)
    cx, cy = D.centre_point(mask)
    return {
        "jittered_box": D.box_prompt(box, h, w, np.random.default_rng([seed, k])),
        "tight_box": D.box_prompt(box, h, w),
        "centre_point": D.point_prompt(cx, cy, h, w),
        "no_prompt": D.no_prompt(),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--out", default=".cache/eval.json")
    ap.add_argument("--md", default=".cache/eval.md")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--full-preprocessing", action="store_true", help="PIL resize to 1024 + encoder(image) instead of the pooled path")
    ap.add_argument("--val-list", default=None, help="write the val image_id list here")
    args = ap.parse_args()
    torch.set_num_threads(2)
    ck = torch.load(args.ckpt, map_location="cpu")
    m = M.SkinSamTiny()
    m.load_state_dict(ck["ema"])
    m.eval()
    m = m.to(memory_format=torch.channels_last)
    rows, images, masks = D.load_arrays()
    val = [i for i, r in enumerate(rows) if D.is_val_lesion(r["lesion_id"])]
    if args.val_list:
        with open(args.val_list, "w") as f:
            for i in val:
                f.write(rows[i]["image_id"] + "\n")
    if args.limit:
        val = val[: args.limit]
    kinds = ["jittered_box", "tight_box", "centre_point", "no_prompt"]
    res = {k: [] for k in kinds + ["baseline_ellipse_jittered_box", "baseline_filled_jittered_box"]}
    mask0 = {k: [] for k in kinds}
    t0 = time.time()
    with torch.no_grad():
        probe = torch.randn(2, 4, 256, 256)
        ay, ax = M.postprocess_matrices(150, 200)
        print("separable postprocess max |diff|", float((ay @ probe @ ax.T - M.postprocess_eval(probe, 150, 200)).abs().max()))
        nk = len(kinds)
        for start in range(0, len(val), args.batch):
            chunk = list(enumerate(val))[start : start + args.batch]
            if args.full_preprocessing:
                x = torch.from_numpy(np.concatenate([D.sam_preprocess_full(images[i]) for _, i in chunk]))
                emb = m.encoder(x.contiguous(memory_format=torch.channels_last))
            else:  # numerically equivalent pooled path (see data.check_pool_equivalence), cheaper
                x = torch.stack([D.pooled_frame(images[i]) for _, i in chunk])
                emb = m.encoder.forward_pooled(x.contiguous(memory_format=torch.channels_last))
            allp = [prompts_for(masks[i], k, args.seed) for k, i in chunk]
            # extra padding rows (label -1) are ignored by the decoder, so all prompts batch together
            coords = torch.from_numpy(np.stack([np.concatenate([ps[q].coords, np.zeros((2 - len(ps[q].labels), 2), np.float32)]) for ps in allp for q in kinds]))
            labels = torch.from_numpy(np.stack([np.concatenate([ps[q].labels, -np.ones(2 - len(ps[q].labels), np.float32)]) for ps in allp for q in kinds]))
            n = coords.shape[0]
            low, iou = m.decoder(emb.repeat_interleave(nk, 0), coords, labels, torch.zeros(n, 1, 256, 256), torch.zeros(n))
            best = iou.argmax(1)
            for c, (k, i) in enumerate(chunk):
                gt = masks[i]
                h, w = gt.shape
                ay, ax = M.postprocess_matrices(h, w)
                rows_ = [c * nk + j for j in range(nk)]
                sel = torch.stack([low[r, best[r]] for r in rows_] + [low[r, 0] for r in rows_])
                full = ay @ sel @ ax.T  # == M.postprocess_eval (separable bilinear), checked above
                dx = rows[i]["dx"]
                for j, q in enumerate(kinds):
                    res[q].append((dx,) + metrics(full[j].numpy() > 0, gt))
                    mask0[q].append(metrics(full[nk + j].numpy() > 0, gt)[1])
                jb = box_to_orig(allp[c]["jittered_box"].coords, h, w)
                res["baseline_ellipse_jittered_box"].append((dx,) + metrics(ellipse_mask(jb, h, w), gt))
                res["baseline_filled_jittered_box"].append((dx,) + metrics(box_mask(jb, h, w), gt))
            print(f"{start + len(chunk)}/{len(val)} {time.time()-t0:.0f}s", flush=True)
    summary = {}
    for q, lst in res.items():
        arr = np.array([r[1:] for r in lst])
        dxs = np.array([r[0] for r in lst])
        s = {"overall": dict(n=len(lst), acc=arr[:, 0].mean(), dice=arr[:, 1].mean(), iou=arr[:, 2].mean())}
        for d in DX:
            sel = dxs == d
            if sel.any():
                s[d] = dict(n=int(sel.sum()), acc=arr[sel, 0].mean(), dice=arr[sel, 1].mean(), iou=arr[sel, 2].mean())
        summary[q] = s
    for q in kinds:
        summary[q]["overall"]["dice_mask0"] = float(np.mean(mask0[q]))
    summary = json.loads(json.dumps(summary, default=float))
    with open(args.out, "w") as f:
        json.dump(summary, f, indent=1)
    lines = []
    for q, s in summary.items():
        lines.append(f"\n**{q}**\n\n| dx | n | pixel acc | Dice | IoU |\n|---|---|---|---|---|")
        for d in ["overall"] + DX:
            if d in s:
                v = s[d]
                lines.append(f"| {d} | {v['n']} | {v['acc']:.4f} | {v['dice']:.4f} | {v['iou']:.4f} |")
    lines.append("\nDice of mask 0 instead of the highest-predicted-IoU mask: " + ", ".join(
        f"{q} {summary[q]['overall']['dice_mask0']:.4f}" for q in kinds))
    with open(args.md, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"eval time {time.time()-t0:.0f}s")


if __name__ == "__main__":
    main()
