"""Export a SkinSAM-Tiny checkpoint to the SAM v1 ONNX contract (encoder.onnx, decoder.onnx, model.json).

  /usr/bin/python3 tools/train/export.py --ckpt .cache/train/final.pt --out models/skinsam-tiny \
      --provenance-file .cache/provenance.txt

Uses the EMA weights. BatchNorm is folded into the convolutions by torch.onnx (eval mode,
constant folding); the script checks that no BatchNormalization node is left. It also writes
.cache/export_check/ with a few preprocessed inputs and PyTorch outputs for tools/train/ort_check.mjs.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import sys

import numpy as np
import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import data as D  # noqa: E402
import model as M  # noqa: E402
from sam.exporting import torchscript_exporter_kwargs  # noqa: E402


class EncoderExport(torch.nn.Module):
    """input_size 1024: the SAM frame, pooled 4x4 as the graph's first op; 256: the pooled frame itself."""

    def __init__(self, enc, input_size: int = 1024):
        super().__init__()
        self.enc = enc
        self.input_size = input_size

    def forward(self, image):
        return self.enc(image) if self.input_size == D.INPUT_SIZE else self.enc.forward_pooled(image)


def load(ckpt_path: str) -> M.SkinSamTiny:
    ck = torch.load(ckpt_path, map_location="cpu")
    m = M.SkinSamTiny()
    m.load_state_dict(ck["ema"])
    m.eval()
    return m.to(memory_format=torch.contiguous_format)


def sample_prompts(size: int = 1024):
    """(name, coords, labels) samples in the model's frame for a 200x150 image (resized 1024x768 at size 1024)."""
    f = size / 1024.0
    return [(n, [[x * f, y * f] for x, y in c], l) for n, c, l in [
        ("box", [[300.0, 200.0], [700.0, 560.0]], [2.0, 3.0]),
        ("point", [[512.0, 384.0], [0.0, 0.0]], [1.0, -1.0]),
        ("no_prompt", [[0.0, 0.0]], [-1.0]),
        ("points_box", [[500.0, 380.0], [100.0, 100.0], [280.0, 180.0], [720.0, 580.0]], [1.0, 0.0, 2.0, 3.0]),
    ]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--out", default="models/skinsam-tiny")
    ap.add_argument("--provenance-file", default=None)
    ap.add_argument("--check-dir", default=".cache/export_check")
    ap.add_argument("--input-size", type=int, default=1024, choices=[256, 1024],
                    help="encoder input side: 1024 (SAM frame, pooled in the graph) or 256 (the frame the encoder needs)")
    ap.add_argument("--name", default="skinsam-tiny")
    args = ap.parse_args()
    size = args.input_size
    torch.set_num_threads(2)
    m = load(args.ckpt)
    os.makedirs(args.out, exist_ok=True)
    enc_path = os.path.join(args.out, "encoder.onnx")
    dec_path = os.path.join(args.out, "decoder.onnx")

    image = torch.randn(1, 3, size, size)
    with torch.no_grad():
        # torch 1.13's export changes the exported module's weights in place (BatchNorm folding),
        # so each export gets a deep copy and the references below come from the untouched model
        torch.onnx.export(EncoderExport(copy.deepcopy(m.encoder), size), (image,), enc_path, opset_version=17, input_names=["image"],
                          output_names=["image_embeddings"], do_constant_folding=True, **torchscript_exporter_kwargs())
        dec = M.OnnxDecoder(m.decoder) if size == D.INPUT_SIZE else M.OnnxDecoderFrame(m.decoder, size)
        emb = EncoderExport(m.encoder, size)(image)
        inputs = (emb, torch.tensor([[[300.0, 200.0], [700.0, 560.0]]]) * (size / 1024.0), torch.tensor([[2.0, 3.0]]),
                  torch.zeros(1, 1, 256, 256), torch.zeros(1), torch.tensor([150.0, 200.0]))
        torch.onnx.export(copy.deepcopy(dec), inputs, dec_path, opset_version=17,
                          input_names=["image_embeddings", "point_coords", "point_labels", "mask_input", "has_mask_input", "orig_im_size"],
                          output_names=["masks", "iou_predictions", "low_res_masks"],
                          dynamic_axes={"point_coords": {1: "num_points"}, "point_labels": {1: "num_points"}, "masks": {2: "h", 3: "w"}},
                          do_constant_folding=True, **torchscript_exporter_kwargs())
    # the traced Resize leaves the masks' batch and mask axes symbolic; they are fixed (1, 4)
    g = onnx.load(dec_path)
    for o in g.graph.output:
        if o.name in ("masks", "low_res_masks"):
            o.type.tensor_type.shape.dim[0].dim_value = 1
            o.type.tensor_type.shape.dim[1].dim_value = M.NUM_MASKS
    onnx.save(g, dec_path)
    for p in (enc_path, dec_path):
        g = onnx.load(p)
        onnx.checker.check_model(g)
        ops = sorted({n.op_type for n in g.graph.node})
        bn = sum(n.op_type == "BatchNormalization" for n in g.graph.node)
        print(f"{p}: {os.path.getsize(p)/1e6:.2f} MB, {len(g.graph.node)} nodes, BatchNormalization left: {bn}, ops {ops}")
        print("  inputs", [(i.name, [d.dim_value or d.dim_param for d in i.type.tensor_type.shape.dim]) for i in g.graph.input])
        print("  outputs", [(o.name, [d.dim_value or d.dim_param for d in o.type.tensor_type.shape.dim]) for o in g.graph.output])

    provenance = open(args.provenance_file).read().strip() if args.provenance_file else f"tools/train/export.py --ckpt {args.ckpt}"
    manifest = {
        "schemaVersion": 1,
        "name": args.name,
        "family": "sam-v1",
        "preprocessing": "sam",
        "inputSize": size,
        "maskThreshold": 0.0,
        "encoder": {"file": "encoder.onnx", "variant": "image-nchw"},
        "decoder": {"file": "decoder.onnx", "variant": "multimask", "batchAxis": False},
        "supportsNoPrompt": True,
        "license": "CC-BY-NC-4.0",
        "provenance": provenance,
    }
    with open(os.path.join(args.out, "model.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")

    # reference inputs/outputs for the onnxruntime-node check
    os.makedirs(args.check_dir, exist_ok=True)
    rows, images, masks = D.load_arrays()
    val = [i for i, r in enumerate(rows) if D.is_val_lesion(r["lesion_id"])][:3]
    cases = []
    for n, i in enumerate(val):
        img = images[i]
        if n == 2:
            img = np.ascontiguousarray(np.rot90(img))  # a portrait image (150 x 200)
        x = D.sam_preprocess_full(img, size)
        x.tofile(os.path.join(args.check_dir, f"img{n}.f32"))
        h, w = img.shape[:2]
        with torch.no_grad():
            e = EncoderExport(m.encoder, size)(torch.from_numpy(x))
            e.numpy().astype(np.float32).tofile(os.path.join(args.check_dir, f"emb{n}.f32"))
            for name, c, l in sample_prompts(size):
                ct, lt = torch.tensor([c]), torch.tensor([l])
                masks_, iou, low = dec(e, ct, lt, torch.zeros(1, 1, 256, 256), torch.zeros(1), torch.tensor([float(h), float(w)]))
                tag = f"{n}_{name}"
                masks_.numpy().astype(np.float32).tofile(os.path.join(args.check_dir, f"masks{tag}.f32"))
                low.numpy().astype(np.float32).tofile(os.path.join(args.check_dir, f"low{tag}.f32"))
                cases.append({"tag": tag, "img": n, "h": h, "w": w, "coords": c, "labels": l, "iou": iou[0].tolist(),
                              "masksShape": list(masks_.shape), "size": size})
    with open(os.path.join(args.check_dir, "cases.json"), "w") as f:
        json.dump(cases, f)
    print(f"wrote {len(cases)} reference cases to {args.check_dir}")


if __name__ == "__main__":
    main()
