#!/usr/bin/env python3
"""Writes a half-precision or int8 variant of an exported fp32 SAM v1 model folder (SAM ViT-B/L/H, SkinSAM-Tiny).

  /usr/bin/python3 tools/quantize.py --model models/skinsam-tiny --out .cache/models/skinsam-tiny-int8-qdq \
      --precision int8-qdq --calibration-data ../shared/datasets/ham10000-lowres \
      --exclude-ids models/skinsam-tiny/val_split.txt
  /usr/bin/python3 tools/quantize.py --model .cache/models/vit_b-random-0 --out .cache/models/vit_b-random-0-int8 \
      --precision int8-dynamic

Precisions (model.json "precision"; docs/models.md, "Precision variants"):
- fp16: float32 initializers with >= 4096 values stored as float16, each followed by a Cast to float32 (what
  tools/export.py --fp16 writes): half the file, same float32 arithmetic and I/O.
- int8-dynamic: MatMul and Conv weights int8 (per output channel, symmetric); activations quantised at run time per
  tensor (DynamicQuantizeLinear -> MatMulInteger / ConvInteger -> scale). No calibration.
- int8-qdq: static QuantizeLinear/DequantizeLinear pairs: weights int8 per output channel, biases int32, activations
  uint8 with ranges (min/max) measured on a calibration set by running the fp32 graphs in ONNX Runtime; ONNX
  Runtime fuses the pairs into QLinearConv / MatMulIntegerToFloat kernels.
Inputs and outputs stay float32 in every variant (the SDK's contract); only the weights and the inner arithmetic
change. The folder is staged and published model.json last, like the exporter.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

TOOLS_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TOOLS_DIR)

import numpy as np  # noqa: E402
import onnx  # noqa: E402  (before torch anywhere: see tools/sam/__init__.py)
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

PRECISIONS = ("fp16", "int8-dynamic", "int8-qdq")
# Weights with fewer values, and MatMuls with a shorter inner dimension, stay float32: SAM's Fourier position
# encoding multiplies the point coordinates by a [2, 128] matrix, where int8 would move every point.
MIN_WEIGHT_ELEMENTS = 256
MIN_INNER_DIM = 16
CALIBRATE_JS = os.path.join(TOOLS_DIR, "js", "calibrate.mjs")
MEAN = np.array([123.675, 116.28, 103.53], dtype=np.float32)
STD = np.array([58.395, 57.12, 57.375], dtype=np.float32)


@dataclass
class QuantizationReport:
    """What was converted, per graph."""

    quantized: Dict[str, int] = field(default_factory=dict)
    kept_float: Dict[str, int] = field(default_factory=dict)
    calibrated_tensors: Dict[str, int] = field(default_factory=dict)
    seconds: Dict[str, float] = field(default_factory=dict)
    notes: List[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------------------------
# Graph helpers


class GraphEditor:
    """Initializer lookup, unique names and node insertion for one ONNX graph."""

    def __init__(self, model: onnx.ModelProto):
        self.model = model
        self.graph = model.graph
        self.inits = {t.name: t for t in self.graph.initializer}
        self.names = {n for node in self.graph.node for n in list(node.input) + list(node.output)} | set(self.inits)
        self.new_inits: List[onnx.TensorProto] = []

    def unique(self, base: str) -> str:
        name, i = base, 0
        while name in self.names:
            i += 1
            name = f"{base}_{i}"
        self.names.add(name)
        return name

    def constant(self, base: str, value: np.ndarray) -> str:
        name = self.unique(base)
        self.new_inits.append(numpy_helper.from_array(np.asarray(value), name=name))
        return name

    def weight(self, name: str) -> Optional[np.ndarray]:
        tensor = self.inits.get(name)
        if tensor is None or tensor.data_type != TensorProto.FLOAT:
            return None
        return numpy_helper.to_array(tensor)

    def consumers(self) -> Dict[str, List[onnx.NodeProto]]:
        table: Dict[str, List[onnx.NodeProto]] = {}
        for node in self.graph.node:
            for name in node.input:
                table.setdefault(name, []).append(node)
        return table

    def finish(self, nodes: List[onnx.NodeProto]) -> None:
        """Replaces the node list (already in topological order) and drops initializers nothing uses any more."""
        del self.graph.node[:]
        self.graph.node.extend(nodes)
        self.graph.initializer.extend(self.new_inits)
        used = {n for node in self.graph.node for n in node.input} | {o.name for o in self.graph.output}
        kept = [t for t in self.graph.initializer if t.name in used]
        del self.graph.initializer[:]
        self.graph.initializer.extend(kept)


def quantizable_weight(editor: GraphEditor, node: onnx.NodeProto) -> Optional[Tuple[np.ndarray, int]]:
    """(float32 weight, axis of its output channels) when `node` is a Conv, MatMul or Gemm whose weight is a constant
    big enough to quantise; None otherwise."""
    if node.op_type == "Conv" and len(node.input) >= 2:
        w = editor.weight(node.input[1])
        if w is not None and w.ndim == 4 and w.size >= MIN_WEIGHT_ELEMENTS:
            return w, 0
    elif node.op_type == "MatMul":
        w = editor.weight(node.input[1])
        if w is not None and w.ndim == 2 and w.size >= MIN_WEIGHT_ELEMENTS and w.shape[0] >= MIN_INNER_DIM:
            return w, 1
    elif node.op_type == "Gemm":
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        if attrs.get("transA", 0) or attrs.get("alpha", 1.0) != 1.0 or attrs.get("beta", 1.0) != 1.0:
            return None
        w = editor.weight(node.input[1])
        if w is not None and w.ndim == 2 and w.size >= MIN_WEIGHT_ELEMENTS:
            trans_b = attrs.get("transB", 0)
            if w.shape[1 if trans_b else 0] >= MIN_INNER_DIM:
                return w, 0 if trans_b else 1
    return None


def symmetric_int8(w: np.ndarray, axis: int) -> Tuple[np.ndarray, np.ndarray]:
    """Per-channel symmetric int8: q = round(w / s), s = max|w| / 127 over every axis but `axis` (1 where all zero)."""
    reduce = tuple(i for i in range(w.ndim) if i != axis)
    scale = np.max(np.abs(w), axis=reduce) / 127.0
    scale = np.where(scale > 0, scale, 1.0).astype(np.float32)
    shape = [1] * w.ndim
    shape[axis] = -1
    q = np.clip(np.round(w / scale.reshape(shape)), -127, 127).astype(np.int8)
    return q, scale


def uint8_range(lo: float, hi: float) -> Tuple[np.float32, np.uint8]:
    """Asymmetric uint8 scale and zero point covering [min(lo, 0), max(hi, 0)]."""
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    scale = (hi - lo) / 255.0 if hi > lo else 1.0
    zero = int(np.clip(round(-lo / scale), 0, 255))
    return np.float32(scale), np.uint8(zero)


# ---------------------------------------------------------------------------------------------------------------
# int8-dynamic


def quantize_dynamic(model: onnx.ModelProto) -> Tuple[int, int]:
    """Rewrites MatMul(x, W) as DynamicQuantizeLinear(x) -> MatMulInteger(uint8 x, int8 W) -> Cast -> Mul(x_scale *
    w_scale), the pattern ONNX Runtime fuses into DynamicQuantizeMatMul, and Conv(x, W, b) as ConvInteger (uint8 x uint8,
    ONNX Runtime's CPU kernel, with one weight zero point 128 and per-channel scales applied after) -> Cast -> Mul -> Add
    bias. Gemm is left as it is. Returns (quantised, kept float) node counts."""
    editor = GraphEditor(model)
    nodes: List[onnx.NodeProto] = []
    quantized_x: Dict[str, Tuple[str, str, str]] = {}
    done = kept = 0
    for node in editor.graph.node:
        found = quantizable_weight(editor, node) if node.op_type in ("MatMul", "Conv") else None
        if found is None:
            if node.op_type in ("MatMul", "Conv", "Gemm"):
                kept += 1
            nodes.append(node)
            continue
        w, axis = found
        x = node.input[0]
        if x not in quantized_x:
            q, s, z = editor.unique(x + "_dq_u8"), editor.unique(x + "_dq_scale"), editor.unique(x + "_dq_zero")
            nodes.append(helper.make_node("DynamicQuantizeLinear", [x], [q, s, z], name=editor.unique(x + "_DynamicQuantize")))
            quantized_x[x] = (q, s, z)
        xq, xs, xz = quantized_x[x]
        base = node.name or editor.unique("quantized")
        qw, ws = symmetric_int8(w, axis)
        out = node.output[0]
        acc = editor.unique(base + "_int32")
        acc_f = editor.unique(base + "_int32_float")
        scale = editor.unique(base + "_scale")
        if node.op_type == "MatMul":
            wq = editor.constant(node.input[1] + "_int8", qw)
            wz = editor.constant(node.input[1] + "_zero", np.zeros(qw.shape[1], dtype=np.int8))
            nodes.append(helper.make_node("MatMulInteger", [xq, wq, xz, wz], [acc], name=base + "_MatMulInteger"))
            ws_name = editor.constant(node.input[1] + "_scale", ws)
            nodes.append(helper.make_node("Mul", [xs, ws_name], [scale], name=base + "_ScaleMul"))
            nodes.append(helper.make_node("Cast", [acc], [acc_f], to=TensorProto.FLOAT, name=base + "_Cast"))
            nodes.append(helper.make_node("Mul", [acc_f, scale], [out], name=base + "_Mul"))
        else:
            wq = editor.constant(node.input[1] + "_uint8", (qw.astype(np.int16) + 128).astype(np.uint8))
            wz = editor.constant(node.input[1] + "_zero", np.array(128, dtype=np.uint8))
            conv = helper.make_node("ConvInteger", [xq, wq, xz, wz], [acc], name=base + "_ConvInteger")
            conv.attribute.extend(node.attribute)
            nodes.append(conv)
            ws_name = editor.constant(node.input[1] + "_scale", ws.reshape(-1, 1, 1))
            nodes.append(helper.make_node("Mul", [xs, ws_name], [scale], name=base + "_ScaleMul"))
            nodes.append(helper.make_node("Cast", [acc], [acc_f], to=TensorProto.FLOAT, name=base + "_Cast"))
            has_bias = len(node.input) >= 3 and node.input[2]
            scaled = editor.unique(base + "_scaled") if has_bias else out
            nodes.append(helper.make_node("Mul", [acc_f, scale], [scaled], name=base + "_Mul"))
            if has_bias:
                bias = editor.weight(node.input[2])
                bias_name = editor.constant(node.input[2] + "_chw", bias.reshape(-1, 1, 1)) if bias is not None else node.input[2]
                nodes.append(helper.make_node("Add", [scaled, bias_name], [out], name=base + "_BiasAdd"))
        done += 1
    editor.finish(nodes)
    return done, kept


# ---------------------------------------------------------------------------------------------------------------
# int8-qdq (static)


def qdq_plan(model: onnx.ModelProto) -> Tuple[List[onnx.NodeProto], List[str]]:
    """The nodes to quantise and the activation tensors whose ranges calibration must measure: each node's input
    and, for a Conv whose output (after a Relu that is its only consumer) is read only by quantised nodes, that
    output, so ONNX Runtime sees DQ -> Conv -> Q and fuses QLinearConv. MatMul and Gemm outputs stay float
    (MatMulIntegerToFloat / QGemm with float output)."""
    editor = GraphEditor(model)
    consumers = editor.consumers()
    graph_outputs = {o.name for o in model.graph.output}
    targets = [node for node in model.graph.node if quantizable_weight(editor, node) is not None]
    target_ids = {id(node) for node in targets}
    tensors = []
    for node in targets:
        tensors.append(node.input[0])
        if node.op_type == "Conv":
            # Only where every reader is quantised too: a Q whose tensor also feeds float nodes blocks the fusion.
            out = conv_output_tensor(node, consumers, graph_outputs)
            if out not in graph_outputs and consumers.get(out) and all(id(c) in target_ids for c in consumers[out]):
                tensors.append(out)
    seen = set()
    tensors = [t for t in tensors if t and not (t in seen or seen.add(t)) and t not in editor.inits]
    return targets, tensors


def conv_output_tensor(node: onnx.NodeProto, consumers: Dict[str, List[onnx.NodeProto]], graph_outputs) -> str:
    out = node.output[0]
    users = consumers.get(out, [])
    if out not in graph_outputs and len(users) == 1 and users[0].op_type == "Relu":
        return users[0].output[0]
    return out


def quantize_qdq(model: onnx.ModelProto, ranges: Dict[str, Tuple[float, float]]) -> Tuple[int, int]:
    """Inserts QuantizeLinear -> DequantizeLinear (uint8, calibrated per tensor) after every planned activation that
    has a range, and DequantizeLinear on int8 per-channel weights and int32 biases of the planned nodes.
    Returns (quantised, kept float) node counts."""
    targets, tensors = qdq_plan(model)
    editor = GraphEditor(model)
    target_names = {id(n) for n in targets}
    qdq_of: Dict[str, str] = {}
    params: Dict[str, Tuple[str, str, float]] = {}

    def qdq_nodes(tensor: str) -> List[onnx.NodeProto]:
        lo, hi = ranges[tensor]
        s, z = uint8_range(lo, hi)
        s_name, z_name = editor.constant(tensor + "_qscale", s), editor.constant(tensor + "_qzero", z)
        q, dq = editor.unique(tensor + "_q"), editor.unique(tensor + "_dq")
        qdq_of[tensor] = dq
        params[tensor] = (s_name, z_name, float(s))
        return [helper.make_node("QuantizeLinear", [tensor, s_name, z_name], [q], name=editor.unique(tensor + "_Quantize")),
                helper.make_node("DequantizeLinear", [q, s_name, z_name], [dq], name=editor.unique(tensor + "_Dequantize"))]

    nodes: List[onnx.NodeProto] = []
    for name in [i.name for i in model.graph.input]:
        if name in tensors and name in ranges:
            nodes.extend(qdq_nodes(name))
    done = kept = 0
    wanted = set(t for t in tensors if t in ranges)
    for node in model.graph.node:
        if id(node) in target_names and node.input[0] in qdq_of:
            found = quantizable_weight(editor, node)
            w, axis = found
            qw, ws = symmetric_int8(w, axis)
            base = node.name or editor.unique("quantized")
            wq = editor.constant(node.input[1] + "_int8", qw)
            ws_name = editor.constant(node.input[1] + "_wscale", ws)
            wz = editor.constant(node.input[1] + "_wzero", np.zeros(ws.shape, dtype=np.int8))
            wdq = editor.unique(node.input[1] + "_dq")
            nodes.append(helper.make_node("DequantizeLinear", [wq, ws_name, wz], [wdq], axis=axis, name=base + "_WeightDequantize"))
            inputs = [qdq_of[node.input[0]], wdq] + list(node.input[2:])
            if len(node.input) >= 3 and node.input[2] and editor.weight(node.input[2]) is not None:
                bias = editor.weight(node.input[2]).astype(np.float64)
                bs = (params[node.input[0]][2] * ws.astype(np.float64)).astype(np.float32)
                bq = np.clip(np.round(bias / bs), -2**31, 2**31 - 1).astype(np.int32)
                bq_name = editor.constant(node.input[2] + "_int32", bq)
                bs_name = editor.constant(node.input[2] + "_bscale", bs)
                bz = editor.constant(node.input[2] + "_bzero", np.zeros(bs.shape, dtype=np.int32))
                bdq = editor.unique(node.input[2] + "_dq")
                nodes.append(helper.make_node("DequantizeLinear", [bq_name, bs_name, bz], [bdq], axis=0, name=base + "_BiasDequantize"))
                inputs[2] = bdq
            rewritten = onnx.NodeProto()
            rewritten.CopyFrom(node)
            del rewritten.input[:]
            rewritten.input.extend(inputs)
            nodes.append(rewritten)
            done += 1
        else:
            if node.op_type in ("MatMul", "Conv", "Gemm"):
                kept += 1
            nodes.append(node)
        for out in node.output:
            if out in wanted and out not in qdq_of:
                nodes.extend(qdq_nodes(out))
    # A planned activation feeding a non-target node keeps its float value there: only targets read the DQ output.
    editor.finish(nodes)
    return done, kept


def with_extra_outputs(model: onnx.ModelProto, tensors: Sequence[str]) -> onnx.ModelProto:
    """A copy of `model` that also returns `tensors` (float32), for calibration."""
    augmented = onnx.ModelProto()
    augmented.CopyFrom(model)
    existing = {o.name for o in augmented.graph.output}
    for name in tensors:
        if name not in existing:
            augmented.graph.output.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, None))
    return augmented


def calibrate(model: onnx.ModelProto, tensors: Sequence[str], feeds: Sequence[Dict[str, np.ndarray]]) -> Dict[str, Tuple[float, float]]:
    """min/max of each tensor over the feeds, measured by ONNX Runtime for Node.js (tools/js/calibrate.mjs). One process
    per sample: a ViT-B encoder returning ~100 intermediate tensors holds several GB until the process ends."""
    import subprocess

    from sam import node_runtime

    node_runtime.ensure_installed()
    ranges: Dict[str, Tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="calibrate-") as work:
        path = os.path.join(work, "augmented.onnx")
        onnx.save_model(with_extra_outputs(model, tensors), path)
        for i, feed in enumerate(feeds):
            sample_root = os.path.join(work, f"feeds-{i:05d}")
            sample = os.path.join(sample_root, "sample")
            os.makedirs(sample)
            for name, value in feed.items():
                np.save(os.path.join(sample, name + ".npy"), np.ascontiguousarray(value))
            done = subprocess.run(["node", CALIBRATE_JS, path, sample_root], cwd=os.path.dirname(CALIBRATE_JS),
                                  capture_output=True, text=True)
            shutil.rmtree(sample_root, ignore_errors=True)
            if done.returncode != 0:
                raise RuntimeError(f"calibration in onnxruntime-node failed:\n{done.stderr[-4000:]}")
            for name, (lo, hi) in json.loads(done.stdout.strip().splitlines()[-1])["ranges"].items():
                old = ranges.get(name)
                ranges[name] = (min(old[0], lo), max(old[1], hi)) if old else (float(lo), float(hi))
    missing = [t for t in tensors if t not in ranges]
    if missing:
        raise RuntimeError(f"Expected a range for every planned tensor; got none for {missing[:5]}")
    return ranges


# ---------------------------------------------------------------------------------------------------------------
# Calibration data: HAM10000-layout images, SAM preprocessing, box prompts from the ground truth


def calibration_ids(data_dir: str, exclude_file: Optional[str], count: int) -> List[str]:
    """`count` image ids spread evenly over metadata.csv, leaving out every lesion that has an image listed in
    `exclude_file` (the validation split), so no validation lesion informs the ranges."""
    with open(os.path.join(data_dir, "metadata.csv"), newline="") as handle:
        rows = list(csv.DictReader(handle))
    excluded_images = set()
    if exclude_file:
        with open(exclude_file, encoding="utf-8") as handle:
            excluded_images = {line.strip() for line in handle if line.strip()}
    excluded_lesions = {r["lesion_id"] for r in rows if r["image_id"] in excluded_images}
    pool = [r["image_id"] for r in rows if r["lesion_id"] not in excluded_lesions]
    if count > len(pool):
        raise ValueError(f"Expected at most {len(pool)} calibration images (the training images there); got --calibration-count {count}")
    step = len(pool) / count
    return [pool[int(i * step)] for i in range(count)]


def sam_preprocess(rgb: np.ndarray) -> Tuple[np.ndarray, Tuple[int, int]]:
    """The "sam" profile: PIL bilinear to long side 1024, ImageNet mean/std on 0..255, zero pad; returns
    ([1,3,1024,1024], (new_h, new_w))."""
    from PIL import Image

    h, w = rgb.shape[:2]
    scale = 1024 / max(h, w)
    nh, nw = int(h * scale + 0.5), int(w * scale + 0.5)
    resized = np.asarray(Image.fromarray(rgb).resize((nw, nh), Image.BILINEAR), dtype=np.float32)
    out = np.zeros((1, 3, 1024, 1024), dtype=np.float32)
    out[0, :, :nh, :nw] = ((resized - MEAN) / STD).transpose(2, 0, 1)
    return out, (nh, nw)


def calibration_feeds(data_dir: str, ids: Sequence[str], encoder_path: str, decoder_inputs: Sequence[str]):
    """Encoder feeds (the preprocessed images) and decoder feeds (the fp32 encoder's embeddings with the tight
    ground-truth box, and with no prompt)."""
    from PIL import Image

    from sam import node_runtime

    encoder_feeds, decoder_feeds = [], []
    for image_id in ids:
        rgb = np.asarray(Image.open(os.path.join(data_dir, "images", image_id + ".jpg")).convert("RGB"))
        mask = np.asarray(Image.open(os.path.join(data_dir, "masks", image_id + "_segmentation.png")).convert("L")) > 127
        image, (nh, nw) = sam_preprocess(rgb)
        encoder_feeds.append({"image": image})
        embedding = node_runtime.run_onnx(encoder_path, {"image": image})[0]["image_embeddings"]
        h, w = mask.shape
        ys, xs = np.nonzero(mask)
        box = [xs.min(), ys.min(), xs.max(), ys.max()] if len(xs) else [0, 0, w - 1, h - 1]
        sx, sy = nw / w, nh / h
        prompts = [
            (np.array([[[box[0] * sx, box[1] * sy], [box[2] * sx, box[3] * sy]]], np.float32), np.array([[2, 3]], np.float32)),
            (np.zeros((1, 1, 2), np.float32), np.array([[-1]], np.float32)),
        ]
        for coords, labels in prompts:
            feed = {"image_embeddings": embedding, "point_coords": coords, "point_labels": labels,
                    "mask_input": np.zeros((1, 1, 256, 256), np.float32), "has_mask_input": np.zeros(1, np.float32),
                    "orig_im_size": np.array([h, w], np.float32)}
            decoder_feeds.append({k: v for k, v in feed.items() if k in decoder_inputs})
    return encoder_feeds, decoder_feeds


# ---------------------------------------------------------------------------------------------------------------
# The folder


def quantize_folder(model_dir: str, out_dir: str, precision: str, calibration_data: Optional[str] = None,
                    exclude_ids: Optional[str] = None, calibration_count: int = 32, name: Optional[str] = None,
                    fp16_min_elements: Optional[int] = None) -> QuantizationReport:
    """Writes the `precision` variant of the fp32 folder `model_dir` into `out_dir` (model.json last).
    `fp16_min_elements` overrides the exporter's 4096-value floor for float16 storage (the tiny test fixture's tensors
    are all below it)."""
    if precision not in PRECISIONS:
        raise ValueError(f"Expected --precision one of {', '.join(PRECISIONS)}; got {precision}")
    manifest_path = os.path.join(model_dir, "model.json")
    if not os.path.isfile(manifest_path):
        raise FileNotFoundError(f"Expected a model folder with model.json; got no {manifest_path}")
    with open(manifest_path, encoding="utf-8") as handle:
        manifest = json.load(handle)
    if manifest.get("family", "sam-v1") != "sam-v1":
        raise ValueError(f"Expected a sam-v1 model folder; got family {manifest.get('family')}")
    if manifest.get("precision", "fp32") != "fp32":
        raise ValueError(f"Expected an fp32 model folder to quantise; got precision {manifest['precision']} in {manifest_path}")
    if precision == "int8-qdq" and not calibration_data:
        raise ValueError("Expected --calibration-data (a HAM10000-layout folder) for int8-qdq; got none")
    if os.path.abspath(model_dir) == os.path.abspath(out_dir):
        raise ValueError(f"Expected --out to differ from --model; got {out_dir} for both")
    report = QuantizationReport()
    encoder_file = manifest.get("encoder", {}).get("file", "encoder.onnx")
    decoder_file = manifest.get("decoder", {}).get("file", "decoder.onnx")
    graphs = {"encoder": os.path.join(model_dir, encoder_file), "decoder": os.path.join(model_dir, decoder_file)}
    parent = os.path.dirname(os.path.abspath(out_dir))
    os.makedirs(parent, exist_ok=True)
    work = tempfile.mkdtemp(prefix=".quantize-", dir=parent)
    try:
        ranges: Dict[str, Dict[str, Tuple[float, float]]] = {}
        ids: List[str] = []
        if precision == "int8-qdq":
            start = time.perf_counter()
            ids = calibration_ids(calibration_data, exclude_ids, calibration_count)
            decoder_inputs = [i.name for i in onnx.load(graphs["decoder"]).graph.input]
            enc_feeds, dec_feeds = calibration_feeds(calibration_data, ids, graphs["encoder"], decoder_inputs)
            for part, feeds in (("encoder", enc_feeds), ("decoder", dec_feeds)):
                proto = onnx.load(graphs[part])
                tensors = qdq_plan(proto)[1]
                ranges[part] = calibrate(proto, tensors, feeds)
                report.calibrated_tensors[part] = len(tensors)
            report.seconds["calibration"] = time.perf_counter() - start
        for part, path in graphs.items():
            start = time.perf_counter()
            proto = onnx.load(path)
            if precision == "fp16":
                from sam.exporting import FP16_MIN_ELEMENTS, convert_weights_to_fp16

                report.quantized[part] = convert_weights_to_fp16(proto, fp16_min_elements or FP16_MIN_ELEMENTS)
            elif precision == "int8-dynamic":
                report.quantized[part], report.kept_float[part] = quantize_dynamic(proto)
            else:
                report.quantized[part], report.kept_float[part] = quantize_qdq(proto, ranges[part])
            staged = os.path.join(work, os.path.basename(path))
            onnx.save_model(proto, staged)
            onnx.checker.check_model(staged)
            report.seconds[part] = time.perf_counter() - start
        what = {
            "fp16": "weights stored as float16 (float32 I/O and arithmetic)",
            "int8-dynamic": "int8 weights per output channel (MatMul, Conv), activations quantised at run time",
            "int8-qdq": (f"static QDQ: int8 weights per output channel, uint8 activations calibrated (min/max) on "
                         f"{len(ids)} training images of {os.path.basename(os.path.normpath(calibration_data or ''))} "
                         f"(tight ground-truth box and no prompt for the decoder)"),
        }[precision]
        source_name = manifest.get("name", os.path.basename(os.path.normpath(model_dir)))
        manifest["name"] = name or os.path.basename(os.path.normpath(out_dir))
        manifest["precision"] = precision
        manifest["provenance"] = (manifest.get("provenance", "") +
                                  f" Variant {precision} of the fp32 model '{source_name}': {what}; written by tools/quantize.py.").strip()
        with open(os.path.join(work, "model.json"), "w", encoding="utf-8") as handle:
            json.dump(manifest, handle, indent=2)
            handle.write("\n")
        os.makedirs(out_dir, exist_ok=True)
        target_manifest = os.path.join(out_dir, "model.json")
        if os.path.exists(target_manifest):
            os.remove(target_manifest)
        for file in (encoder_file, decoder_file, "model.json"):
            os.replace(os.path.join(work, file), os.path.join(out_dir, file))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="fp32 model folder (model.json, encoder.onnx, decoder.onnx)")
    parser.add_argument("--out", required=True, help="output folder for the variant")
    parser.add_argument("--precision", required=True, choices=PRECISIONS)
    parser.add_argument("--calibration-data", help="HAM10000-layout folder (images/, masks/, metadata.csv) for int8-qdq")
    parser.add_argument("--exclude-ids", help="file of image ids (one a line) whose lesions calibration must not use")
    parser.add_argument("--calibration-count", type=int, default=32, help="calibration images (default 32)")
    parser.add_argument("--name", help="model.json name (default: the output folder's name)")
    args = parser.parse_args(argv)
    if args.calibration_count < 1:
        parser.error(f"--calibration-count: expected at least 1; got {args.calibration_count}")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    try:
        report = quantize_folder(args.model, args.out, args.precision, args.calibration_data, args.exclude_ids,
                                 args.calibration_count, args.name)
    except (FileNotFoundError, ValueError) as error:
        print(f"quantize.py: error: {error}", file=sys.stderr)
        return 2
    summary = {
        "out": os.path.abspath(args.out),
        "precision": args.precision,
        "quantizedNodes": report.quantized,
        "floatNodesKept": report.kept_float,
        "calibratedTensors": report.calibrated_tensors,
        "seconds": {k: round(v, 2) for k, v in report.seconds.items()},
        "totalSeconds": round(time.perf_counter() - started, 2),
        "bytes": {f: os.path.getsize(os.path.join(args.out, f)) for f in sorted(os.listdir(args.out))},
    }
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
