"""Read a shipped SkinSAM-Tiny's weights back from its ONNX files into the PyTorch model (model.py).

The shipped model's training checkpoint was never committed; its encoder.onnx and decoder.onnx hold every
weight, but with each BatchNorm folded into the convolution before it. This puts them back into a
`SkinSamTiny` in "folded" form: each ConvBN's convolution gets the folded weight and its BatchNorm becomes
the identity plus the folded bias (running mean 0, running variance 1 - eps, gamma 1, beta = bias). In
eval mode the model then computes what the ONNX graphs compute; for fine-tuning, keep the BatchNorm layers
in eval mode (`freeze_batchnorm`) so that they stay an affine map instead of renormalising with batch
statistics (their beta, the folded bias, remains trainable).

  /usr/bin/python3 tools/train/onnx_weights.py --model models/skinsam-tiny --out .cache/tiny1/ckpt.pt

writes a checkpoint in train.py's format (`ema` and `model` the same weights, step 0) that export.py and
train.py --init read.
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as M  # noqa: E402


def module_path(node_name: str) -> str:
    """'/enc/c0/c0.1/dw/dw.0/Conv' -> 'c0.1.dw.0' (torch.onnx's scope names repeat the parent's name as a prefix)."""
    segs = [s for s in node_name.split("/") if s][1:-1]
    parts, prev = [], None
    for s in segs:
        parts.append(s[len(prev) + 1:] if prev is not None and s.startswith(prev + ".") else s)
        prev = s
    return ".".join(parts)


def _load(path: str):
    g = onnx.load(path).graph
    inits = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in g.initializer}
    return g, inits


def _set(t: torch.Tensor, value: torch.Tensor, what: str) -> None:
    if tuple(t.shape) != tuple(value.shape):
        raise ValueError(f"{what}: expected shape {tuple(t.shape)}; got {tuple(value.shape)} from the ONNX file")
    with torch.no_grad():
        t.copy_(value)


def _load_convs(root: torch.nn.Module, g, inits, done: set) -> None:
    modules = dict(root.named_modules())
    for n in g.node:
        if n.op_type != "Conv":
            continue
        path = module_path(n.name)
        conv = modules.get(path)
        if not isinstance(conv, torch.nn.Conv2d):
            raise ValueError(f"ONNX node {n.name}: expected a Conv2d at '{path}'; got {type(conv).__name__}")
        w, b = inits[n.input[1]], inits[n.input[2]]
        _set(conv.weight, w, f"{path}.weight")
        parent_path, _, idx = path.rpartition(".")
        parent = modules.get(parent_path)
        if conv.bias is not None:
            _set(conv.bias, b, f"{path}.bias")
        elif isinstance(parent, M.ConvBN) and idx == "0":
            bn = parent[1]
            with torch.no_grad():
                bn.weight.fill_(1.0)
                bn.running_mean.zero_()
                bn.running_var.fill_(1.0 - bn.eps)
            _set(bn.bias, b, f"{parent_path}.1.bias")
            done.add(f"{parent_path}.1")
        else:
            raise ValueError(f"ONNX node {n.name}: a bias for a convolution without bias or BatchNorm at '{path}'")
        done.add(path)


def load_from_onnx(folder: str) -> M.SkinSamTiny:
    """The weights of `folder`'s encoder.onnx and decoder.onnx in a SkinSamTiny (folded BatchNorm), eval mode."""
    m = M.SkinSamTiny()
    done: set = set()
    g, inits = _load(os.path.join(folder, "encoder.onnx"))
    _load_convs(m.encoder, g, inits, done)
    g, inits = _load(os.path.join(folder, "decoder.onnx"))
    _load_convs(m.decoder, g, inits, done)
    dec_state = dict(m.decoder.named_parameters()) | dict(m.decoder.named_buffers())
    for n in g.node:
        for i in n.input:
            if i.startswith("decoder.") and i in inits:
                key = i[len("decoder."):]
                _set(dec_state[key], inits[i], i)
                done.add(key)
        if n.op_type == "MatMul" and n.input[1] in inits and not n.input[1].startswith("decoder."):
            path = module_path(n.name)
            lin = dict(m.decoder.named_modules())[path]
            _set(lin.weight, inits[n.input[1]].T, f"{path}.weight")
            done.add(path)
    # every trainable tensor must have come from the files
    missing = []
    for name, mod in m.named_modules():
        rel = name.split(".", 1)[1] if "." in name else name
        if isinstance(mod, (torch.nn.Conv2d, torch.nn.BatchNorm2d)) and rel not in done:
            missing.append(name)
        if isinstance(mod, torch.nn.Linear) and rel not in done and f"{rel}.weight" not in done:
            missing.append(name)
    for name, _ in m.decoder.named_parameters(recurse=False):
        if name not in done:
            missing.append("decoder." + name)
    if missing:
        raise ValueError(f"{folder}: expected every weight in the ONNX files; not found: {missing}")
    m.eval()
    return m


def freeze_batchnorm(model: torch.nn.Module) -> None:
    """Puts every BatchNorm in eval mode (call after model.train()): a fixed affine map, beta trainable."""
    for mod in model.modules():
        if isinstance(mod, torch.nn.BatchNorm2d):
            mod.eval()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="models/skinsam-tiny")
    ap.add_argument("--out", default=".cache/tiny1/ckpt.pt")
    args = ap.parse_args()
    m = load_from_onnx(args.model)
    sd = m.state_dict()
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    torch.save({"model": sd, "ema": sd, "step": 0, "epoch": 0, "pos": 0, "elapsed": 0.0, "folded_batchnorm": True,
                "args": {"from_onnx": args.model}}, args.out)
    n = sum(int(np.prod(t.shape)) for t in sd.values())
    print(f"{args.model}: {len(sd)} tensors ({n} values) -> {args.out}")


if __name__ == "__main__":
    main()
