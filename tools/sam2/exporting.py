"""Writes an SDK model folder (encoder.onnx, decoder.onnx, model.json with family "sam2") from a `Sam2` module.
Shares the SAM v1 exporter's machinery (opset 17, TorchScript-based exporter, fp16 weights, external data, staged
publishing so that a folder the SDK can load is always complete)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import warnings
from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np
import onnx
import torch

from sam.exporting import (OPSET, ExportReport, _max_abs, _publish, convert_weights_to_fp16, declare_output_shapes,
                           save_onnx, torchscript_exporter_kwargs)

from .model import Sam2
from .onnx_modules import DECODER_INPUTS, DECODER_OUTPUTS, ENCODER_INPUTS, ENCODER_OUTPUTS, DecoderGraph, \
    EncoderGraph, example_decoder_inputs

FAMILY = "sam2"
PREPROCESSING = "sam2"
DECODER_VARIANT = "multimask"  # all 4 mask tokens; the SDK applies SAM 2's selection rules
ENCODER_VARIANT = "image-nchw"
ENCODER_SHAPES = {"high_res_feats_0": [1, 32, 256, 256], "high_res_feats_1": [1, 64, 128, 128],
                  "image_embed": [1, 256, 64, 64]}
DECODER_SHAPES = {"masks": [1, 4, "height", "width"], "iou_predictions": [1, 4], "low_res_masks": [1, 4, 256, 256]}


@dataclass
class Sam2ExportOptions:
    name: str
    fp16: bool = False
    external_data: str = "auto"  # auto | always | never
    license: str = "Apache-2.0"
    provenance: str = ""
    validate_fp16: bool = True
    # False keeps computed constants (the 256 x 256 trunk position table, the dense prompt positions) as small
    # graphs instead of baking them into large initializers; the tiny committed fixtures use False.
    constant_folding: bool = True
    # Test fixtures only: every weight as float16 (exact for weights rounded with model.round_to_fp16_) and short
    # names for the intermediate values and nodes (graph inputs, outputs and initializer names are kept).
    compact: bool = False


def compact_graph_names(model: onnx.ModelProto) -> None:
    """Renames every intermediate value to v<i> and drops node names: ONNX Runtime needs neither, and the tracer's
    long scope names are most of a tiny graph's bytes."""
    graph = model.graph
    keep = {v.name for v in graph.input} | {v.name for v in graph.output} | {t.name for t in graph.initializer}
    renamed = {}
    for node in graph.node:
        node.name = ""
        for index, name in enumerate(node.input):
            if name in renamed:
                node.input[index] = renamed[name]
        for index, name in enumerate(node.output):
            if name and name not in keep:
                renamed[name] = f"v{len(renamed)}"
                node.output[index] = renamed[name]
    del graph.value_info[:]


def _export_encoder(model: Sam2, path: str, image: Optional[torch.Tensor], folding: bool):
    if image is None:
        image = torch.randn(1, 3, model.config.image_size, model.config.image_size)
    graph = EncoderGraph(model)
    with torch.no_grad():
        torch.onnx.export(graph, (image,), path, input_names=ENCODER_INPUTS, output_names=ENCODER_OUTPUTS,
                          opset_version=OPSET, do_constant_folding=folding, **torchscript_exporter_kwargs())
    return graph.last_output


def _export_decoder(model: Sam2, path: str, folding: bool) -> None:
    graph = DecoderGraph(model)
    dynamic = {"point_coords": {1: "num_points"}, "point_labels": {1: "num_points"}, "masks": {2: "height", 3: "width"}}
    with torch.no_grad():
        torch.onnx.export(graph, example_decoder_inputs(model), path, input_names=DECODER_INPUTS,
                          output_names=DECODER_OUTPUTS, dynamic_axes=dynamic, opset_version=OPSET,
                          do_constant_folding=folding, **torchscript_exporter_kwargs())


def _validate_fp16(model: Sam2, fp32_dir: str, out_dir: str, report: ExportReport) -> None:
    from sam import node_runtime

    reason = node_runtime.missing_tools()
    if reason:
        report.notes.append(f"fp16 not validated: {reason}")
        return
    image = np.random.default_rng(0).standard_normal((1, 3, 1024, 1024)).astype(np.float32)
    ref, _ = node_runtime.run_onnx(os.path.join(fp32_dir, "encoder.onnx"), {"image": image})
    half, _ = node_runtime.run_onnx(os.path.join(out_dir, "encoder.onnx"), {"image": image})
    for name in ENCODER_OUTPUTS:
        report.fp16_max_abs_diff[name] = _max_abs(ref[name], half[name])
    feeds = {name: t.numpy() for name, t in zip(DECODER_INPUTS, example_decoder_inputs(model, num_points=2))}
    for name in ENCODER_OUTPUTS:
        feeds[name] = ref[name]
    ref_dec, _ = node_runtime.run_onnx(os.path.join(fp32_dir, "decoder.onnx"), feeds)
    half_dec, _ = node_runtime.run_onnx(os.path.join(out_dir, "decoder.onnx"), feeds)
    for name in ref_dec:
        report.fp16_max_abs_diff[name] = _max_abs(ref_dec[name], half_dec[name])
    agree = float(np.mean((ref_dec["low_res_masks"] > 0) == (half_dec["low_res_masks"] > 0)))
    report.notes.append(f"fp16 vs fp32 low-res mask sign agreement {agree:.6f}")


def write_manifest(out_dir: str, options: Sam2ExportOptions) -> dict:
    """model.json: the SAM v1 schema's keys with family "sam2", preprocessing "sam2" and decoder variant "multimask"
    (K = 4: all mask tokens)."""
    manifest = {
        "schemaVersion": 1,
        "name": options.name,
        "family": FAMILY,
        "preprocessing": PREPROCESSING,
        "inputSize": 1024,
        "maskThreshold": 0.0,
        "encoder": {"file": "encoder.onnx", "variant": ENCODER_VARIANT},
        "decoder": {"file": "decoder.onnx", "variant": DECODER_VARIANT, "batchAxis": False},
        "supportsNoPrompt": False,
        **({"precision": "fp16"} if options.fp16 else {}),
        "license": options.license,
        "provenance": options.provenance,
    }
    path = os.path.join(out_dir, "model.json")
    with open(path + ".tmp", "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=2)
        handle.write("\n")
    os.replace(path + ".tmp", path)
    return manifest


def export_sam2_folder(model: Sam2, out_dir: str, options: Sam2ExportOptions,
                       parts: Tuple[str, ...] = ("encoder", "decoder"),
                       encoder_example: Optional[torch.Tensor] = None) -> ExportReport:
    """Exports `model` to `out_dir`; returns timings, sizes, fp16 differences and (encoder_example_output) the
    PyTorch outputs of the encoder trace, in ENCODER_OUTPUTS order."""
    model = model.eval()
    report = ExportReport()
    warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
    warnings.filterwarnings("ignore", category=UserWarning, module=r"torch\.onnx.*")
    created = not os.path.exists(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    work = tempfile.mkdtemp(prefix=".export-", dir=out_dir)
    staging = os.path.join(work, "folder")
    os.makedirs(staging)
    published = False
    try:
        for part in parts:
            staged = os.path.join(work, part + ".onnx")
            start = time.perf_counter()
            if part == "encoder":
                report.encoder_example_output = _export_encoder(model, staged, encoder_example,
                                                                options.constant_folding)
            else:
                _export_decoder(model, staged, options.constant_folding)
            report.seconds[f"{part}_trace"] = time.perf_counter() - start
            start = time.perf_counter()
            proto = onnx.load(staged)
            declare_output_shapes(proto, ENCODER_SHAPES if part == "encoder" else DECODER_SHAPES)
            if options.fp16:
                converted = convert_weights_to_fp16(proto, min_elements=1 if options.compact else 4096)
                report.notes.append(f"{part}: {converted} initializers stored as float16")
            if options.compact:
                compact_graph_names(proto)
            final = os.path.join(staging, part + ".onnx")
            external = save_onnx(proto, final, options.external_data)
            del proto
            report.seconds[f"{part}_save_check"] = time.perf_counter() - start
            report.bytes[part + ".onnx"] = os.path.getsize(final)
            if external:
                report.bytes[part + ".onnx.data"] = os.path.getsize(final + ".data")
                report.notes.append(f"{part}: weights in external data file {part}.onnx.data")
        if options.fp16 and options.validate_fp16 and len(parts) == 2:
            start = time.perf_counter()
            _validate_fp16(model, work, staging, report)
            report.seconds["fp16_validation"] = time.perf_counter() - start
            if report.fp16_max_abs_diff:
                diffs = ", ".join(f"{k} {v:.3g}" for k, v in report.fp16_max_abs_diff.items())
                options.provenance += f" fp16 vs fp32 max abs diff on a random input: {diffs}."
        _publish(staging, out_dir, parts)
        write_manifest(out_dir, options)
        published = True
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if not published and created:
            shutil.rmtree(out_dir, ignore_errors=True)
    return report
