"""Train SkinSAM-Tiny on HAM10000-lowres (CPU, PyTorch 1.13).

Example (the command used for the shipped model is in models/skinsam-tiny/MODEL_CARD.md):
  /usr/bin/python3 tools/train/train.py --out .cache/train --seed 0 --budget-min 55

The learning-rate schedule (linear warm-up, cosine decay) follows elapsed training wall time over
--budget-min, so a run ends on time on a shared CPU; a rerun on another machine sees a different
number of steps. Data order, augmentation and prompts are seeded per (seed, epoch, image).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data as D  # noqa: E402
import model as M  # noqa: E402


def seg_loss(logits, target):
    """Per-sample BCE + soft Dice. logits [B,256,256], target soft [B,256,256]."""
    bce = F.binary_cross_entropy_with_logits(logits, target, reduction="none").mean((1, 2))
    p = torch.sigmoid(logits)
    inter = (p * target).sum((1, 2))
    dice = 1 - (2 * inter + 1) / (p.sum((1, 2)) + target.sum((1, 2)) + 1)
    return bce + dice


def iou_targets(low, target):
    with torch.no_grad():
        pred = (low > 0).float()
        gt = (target > 0.5).float().unsqueeze(1)
        inter = (pred * gt).sum((2, 3))
        union = ((pred + gt) > 0).float().sum((2, 3))
        return torch.where(union > 0, inter / union.clamp(min=1), torch.ones_like(union))


def val_subset_dice(model, val_x, val_t, val_prompts):
    """Mean Dice at the 256 frame (content region implicit: pad is 0 in both) per prompt kind."""
    model.eval()
    out = {}
    with torch.no_grad():
        embs = []
        for i in range(0, len(val_x), 32):
            embs.append(model.encoder.forward_pooled(val_x[i : i + 32].contiguous(memory_format=torch.channels_last)))
        emb = torch.cat(embs)
        for kind, (coords, labels) in val_prompts.items():
            dices = []
            for i in range(0, len(val_x), 32):
                e = emb[i : i + 32]
                n = e.shape[0]
                low, iou = model.decoder(e, coords[i : i + n], labels[i : i + n], torch.zeros(n, 1, 256, 256), torch.zeros(n))
                best = iou.argmax(1)
                m = low[torch.arange(n), best] > 0
                gt = val_t[i : i + n] > 0.5
                inter = (m & gt).sum((1, 2)).float()
                dices.append(2 * inter / (m.sum((1, 2)) + gt.sum((1, 2))).clamp(min=1).float())
            out[kind] = float(torch.cat(dices).mean())
    model.train()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=".cache/train")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--prompts-per-image", type=int, default=2)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--budget-min", type=float, default=55.0)
    ap.add_argument("--val-subset", type=int, default=200)
    ap.add_argument("--ckpt-every", type=int, default=50)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--frame", type=int, default=1024, choices=[256, 1024],
                    help="the model's inputSize: 1024 (encoder input pooled from the SAM frame) or 256 (PIL resize to 256)")
    ap.add_argument("--init", default=None,
                    help="start from this checkpoint's EMA weights (fine-tuning), e.g. .cache/tiny1/ckpt.pt from onnx_weights.py")
    ap.add_argument("--shift-p", type=float, default=0.0,
                    help="probability of each dermatoscope shift (tools/train/shifts.py) per training image, e.g. 0.25")
    args = ap.parse_args()

    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    log = open(os.path.join(args.out, "log.txt"), "a")

    def say(msg):
        line = f"{time.strftime('%H:%M:%S')} {msg}"
        print(line, flush=True)
        log.write(line + "\n")
        log.flush()

    rows, images, masks = D.load_arrays()
    val_idx = [i for i, r in enumerate(rows) if D.is_val_lesion(r["lesion_id"])]
    train_idx = [i for i, r in enumerate(rows) if not D.is_val_lesion(r["lesion_id"])]
    say(f"train {len(train_idx)} images, val {len(val_idx)} images; args {vars(args)}")

    # fixed validation subset for per-epoch logging (full evaluation: evaluate.py)
    sub = val_idx[:: max(1, len(val_idx) // args.val_subset)][: args.val_subset]
    val_x = torch.stack([D.frame_input(images[i], args.frame) for i in sub])
    val_t = torch.stack([D.frame_mask(masks[i], args.frame) for i in sub])
    jr = np.random.default_rng(12345)
    jb = [D.box_prompt(D.mask_box(masks[i]), 150, 200, jr) for i in sub]
    val_prompts = {
        "jittered_box": (torch.from_numpy(np.stack([p.coords for p in jb])), torch.from_numpy(np.stack([p.labels for p in jb]))),
        "no_prompt": (torch.zeros(len(sub), 1, 2), torch.full((len(sub), 1), -1.0)),
    }

    model = M.SkinSamTiny().to(memory_format=torch.channels_last)
    ema = M.SkinSamTiny().to(memory_format=torch.channels_last)
    ema.load_state_dict(model.state_dict())
    for p in ema.parameters():
        p.requires_grad_(False)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    step, epoch, pos, elapsed = 0, 0, 0, 0.0
    folded = False
    if args.init:
        ck = torch.load(args.init)
        model.load_state_dict(ck["ema"])
        ema.load_state_dict(ck["ema"])
        folded = bool(ck.get("folded_batchnorm", False))
        say(f"initialised from {args.init} (folded BatchNorm: {folded})")
    ckpt_path = os.path.join(args.out, "ckpt.pt")
    if args.resume and os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path)
        model.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        step, epoch, pos, elapsed = ck["step"], ck["epoch"], ck["pos"], ck["elapsed"]
        folded = bool(ck.get("folded_batchnorm", folded))
        say(f"resumed at step {step} epoch {epoch} pos {pos} elapsed {elapsed:.0f}s")

    def save(tag="ckpt"):
        tmp = os.path.join(args.out, tag + ".tmp")
        torch.save({"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(), "step": step,
                    "epoch": epoch, "pos": pos, "elapsed": elapsed, "args": vars(args), "folded_batchnorm": folded}, tmp)
        os.replace(tmp, os.path.join(args.out, tag + ".pt"))

    if folded:
        # the imported weights have BatchNorm as identity + bias; batch statistics would undo them
        import onnx_weights

        onnx_weights.freeze_batchnorm(model)
    ds = D.TrainSet(images, masks, train_idx, args.seed, args.prompts_per_image, args.frame, args.shift_p)
    budget = args.budget_min * 60.0
    P = args.prompts_per_image
    done = False
    while not done:
        perm = np.random.default_rng([args.seed, epoch]).permutation(len(train_idx))
        ds.epoch = epoch
        batches = [perm[i : i + args.batch] for i in range(0, len(perm) - args.batch + 1, args.batch)]
        sampler = [list(b) for b in batches[pos:]]
        loader = torch.utils.data.DataLoader(ds, batch_sampler=sampler, num_workers=1, collate_fn=D.collate,
                                             worker_init_fn=lambda _: torch.set_num_threads(1))
        t_last = time.time()
        run = {"loss": 0.0, "iou": 0.0, "n": 0}
        for xs, ts, coords, labels, mask_in, has_mask in loader:
            frac = elapsed / budget
            warm = min(1.0, frac / 0.03)
            lr = args.lr * warm * (0.03 + 0.97 * 0.5 * (1 + math.cos(math.pi * min(frac, 1.0))))
            for g in opt.param_groups:
                g["lr"] = lr
            xs = xs.contiguous(memory_format=torch.channels_last)
            emb = model.encoder.forward_pooled(xs)
            pre = tuple(t.repeat_interleave(P, 0) for t in model.decoder.pre(emb))
            low, iou = model.decoder(None, coords, labels, mask_in, has_mask, pre=pre)
            tgt = ts.repeat_interleave(P, 0)
            l0 = seg_loss(low[:, 0], tgt)
            lk = torch.stack([seg_loss(low[:, k], tgt) for k in range(1, M.NUM_MASKS)], 1).min(1)[0]
            li = F.mse_loss(iou, iou_targets(low, tgt))
            loss = (l0 + lk).mean() + li
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            pos += 1
            with torch.no_grad():
                d = min(0.995, (1 + step) / (10 + step))
                for pe, pm in zip(ema.state_dict().values(), model.state_dict().values()):
                    if pe.dtype.is_floating_point:
                        pe.mul_(d).add_(pm.detach(), alpha=1 - d)
                    else:
                        pe.copy_(pm)
            now = time.time()
            elapsed += now - t_last
            t_last = now
            run["loss"] += float(loss)
            run["iou"] += float(li)
            run["n"] += 1
            if step % 10 == 0:
                say(f"ep {epoch} step {step} pos {pos}/{len(batches)} loss {run['loss']/run['n']:.4f} iou_mse {run['iou']/run['n']:.4f} lr {lr:.2e} elapsed {elapsed/60:.1f}m")
                run = {"loss": 0.0, "iou": 0.0, "n": 0}
            if step % args.ckpt_every == 0:
                save()
            if elapsed >= budget:
                done = True
                break
        if not done:
            v = val_subset_dice(ema, val_x, val_t, val_prompts)
            say(f"epoch {epoch} done step {step}: val-subset Dice (EMA, 256 frame) {json.dumps(v)}")
            epoch += 1
            pos = 0
            save()
            save(f"epoch{epoch - 1}")
            t_last = time.time()
    v = val_subset_dice(ema, val_x, val_t, val_prompts)
    say(f"final step {step} epoch {epoch} pos {pos}: val-subset Dice (EMA, 256 frame) {json.dumps(v)} train wall {elapsed/60:.1f} min")
    save()
    save("final")


if __name__ == "__main__":
    main()
