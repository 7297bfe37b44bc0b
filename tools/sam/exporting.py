"""Writes an SDK model folder (encoder.onnx, decoder.onnx, model.json) from a `Sam` module."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from .model import Sam
from .onnx_modules import (
    DECODER_INPUTS, DECODER_OUTPUTS, ENCODER_INPUTS, ENCODER_OUTPUTS, LOW_RES_DECODER_INPUTS,
    LOW_RES_DECODER_OUTPUTS, DecoderGraph, EncoderGraph, example_decoder_inputs,
)

OPSET = 17
# Protobuf cannot serialise a message over 2 GiB; stay clear of it.
EXTERNAL_DATA_THRESHOLD_BYTES = 1_800_000_000
# fp16 conversion leaves small tensors (position tables, norms, biases) in float32: they cost
# nothing on disk and keep the Fourier position phases exact.
FP16_MIN_ELEMENTS = 4096


@dataclass
class ExportOptions:
    name: str
    preprocessing: str = "sam"
    decoder_variant: str = "multimask"  # multimask | single-mask | low-res-only
    fp16: bool = False
    external_data: str = "auto"  # auto | always | never
    supports_no_prompt: bool = False
    license: str = "Apache-2.0"
    provenance: str = ""
    validate_fp16: bool = True
    # Decoder inputs and outputs with a leading prompt-batch axis B (B prompts, same N, one shared embedding).
    decoder_batch_axis: bool = False


@dataclass
class ExportReport:
    seconds: Dict[str, float] = field(default_factory=dict)
    bytes: Dict[str, int] = field(default_factory=dict)
    fp16_max_abs_diff: Dict[str, float] = field(default_factory=dict)
    notes: List[str] = field(default_factory=list)
    encoder_example_output: Optional[torch.Tensor] = None


def git_commit(path: str) -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=path, capture_output=True, text=True)
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def initializer_bytes(model: onnx.ModelProto) -> int:
    total = 0
    for tensor in model.graph.initializer:
        count = int(np.prod(tensor.dims)) if tensor.dims else 1
        total += count * {onnx.TensorProto.FLOAT: 4, onnx.TensorProto.FLOAT16: 2, onnx.TensorProto.INT64: 8}.get(
            tensor.data_type, 4)
    return total


def convert_weights_to_fp16(model: onnx.ModelProto, min_elements: int = FP16_MIN_ELEMENTS) -> int:
    """Stores every float32 initializer with >= min_elements values as float16 followed by a Cast
    back to float32, so the graph's inputs, outputs and arithmetic stay float32 (the SDK's I/O
    contract) while the file is about half the size. Returns how many tensors were converted."""
    graph = model.graph
    casts = []
    kept = []
    converted = 0
    for tensor in graph.initializer:
        if tensor.data_type == onnx.TensorProto.FLOAT and int(np.prod(tensor.dims or [1])) >= min_elements:
            values = numpy_helper.to_array(tensor)
            half = numpy_helper.from_array(values.astype(np.float16), name=tensor.name + "_fp16")
            kept.append(half)
            casts.append(onnx.helper.make_node(
                "Cast", [half.name], [tensor.name], to=onnx.TensorProto.FLOAT, name=tensor.name + "_to_fp32"))
            converted += 1
        else:
            kept.append(tensor)
    del graph.initializer[:]
    graph.initializer.extend(kept)
    nodes = casts + list(graph.node)
    del graph.node[:]
    graph.node.extend(nodes)
    return converted


def declare_output_shapes(model: onnx.ModelProto, shapes: Dict[str, list]) -> None:
    """Writes the contract's output shapes (ints fixed, strings symbolic) over the names the tracer
    invented, so a loader that checks signatures sees [1, 256, 64, 64] rather than unknown dims."""
    for output in model.graph.output:
        if output.name not in shapes:
            continue
        dims = output.type.tensor_type.shape.dim
        del dims[:]
        for value in shapes[output.name]:
            dim = dims.add()
            if isinstance(value, str):
                dim.dim_param = value
            else:
                dim.dim_value = value


def contract_output_shapes(part: str, variant: str, batch_axis: bool = False) -> Dict[str, list]:
    if part == "encoder":
        return {"image_embeddings": [1, 256, 64, 64]}
    k = 1 if variant == "single-mask" else 4
    b = "batch" if batch_axis else 1
    return {"masks": [b, k, "height", "width"], "iou_predictions": [b, k], "low_res_masks": [b, k, 256, 256]}


def save_onnx(model: onnx.ModelProto, path: str, external_data: str) -> bool:
    """Saves `model`; with external data (auto: when the weights pass ~1.8 GB) all tensors go to one
    file `<name>.data` next to it. Returns whether external data was used."""
    data_name = os.path.basename(path) + ".data"
    data_path = os.path.join(os.path.dirname(path), data_name)
    if os.path.exists(data_path):
        os.remove(data_path)
    use_external = external_data == "always" or (
        external_data == "auto" and initializer_bytes(model) > EXTERNAL_DATA_THRESHOLD_BYTES)
    if use_external:
        onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=data_name, size_threshold=1024)
    else:
        onnx.save_model(model, path)
    onnx.checker.check_model(path)
    return use_external


def torchscript_exporter_kwargs() -> dict:
    """PyTorch 2.9 and later export with the dynamo-based exporter unless told otherwise; these graphs are written
    for, and verified with, the TorchScript-based exporter (tracing, dynamic_axes, opset 17), which current releases
    still provide with dynamo=False. Older releases (Debian's 1.13) have no such argument."""
    import inspect

    return {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}


def _export_encoder(model: Sam, path: str, image: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Traces the encoder on `image` (random when None); returns the PyTorch output of that trace."""
    if image is None:
        image = torch.randn(1, 3, model.config.image_size, model.config.image_size)
    graph = EncoderGraph(model)
    with torch.no_grad():
        torch.onnx.export(
            graph, (image,), path, input_names=ENCODER_INPUTS, output_names=ENCODER_OUTPUTS,
            opset_version=OPSET, do_constant_folding=True, **torchscript_exporter_kwargs(),
        )
    return graph.last_output


def _export_decoder(model: Sam, path: str, variant: str, batch_axis: bool = False) -> None:
    graph = DecoderGraph(model, single_mask=(variant == "single-mask"), low_res_only=(variant == "low-res-only"),
                         batch_axis=batch_axis)
    inputs = example_decoder_inputs(num_points=3)
    dynamic = {"point_coords": {1: "num_points"}, "point_labels": {1: "num_points"}}
    if batch_axis:
        # Traced with B = 2 so that no shape is specialised to one prompt.
        embeddings, coords, labels, mask_input, _, orig = inputs
        inputs = (embeddings, coords.repeat(2, 1, 1), labels.repeat(2, 1), mask_input.repeat(2, 1, 1, 1), torch.zeros(2), orig)
        for name in ("point_coords", "point_labels", "mask_input", "has_mask_input"):
            dynamic.setdefault(name, {})[0] = "batch"
        dynamic["iou_predictions"] = {0: "batch"}
        dynamic["low_res_masks"] = {0: "batch"}
    if variant == "low-res-only":
        inputs, input_names, output_names = inputs[:-1], LOW_RES_DECODER_INPUTS, LOW_RES_DECODER_OUTPUTS
    else:
        input_names, output_names = DECODER_INPUTS, DECODER_OUTPUTS
        dynamic["masks"] = {0: "batch", 2: "height", 3: "width"} if batch_axis else {2: "height", 3: "width"}
    with torch.no_grad():
        torch.onnx.export(
            graph, inputs, path, input_names=input_names, output_names=output_names,
            dynamic_axes=dynamic, opset_version=OPSET, do_constant_folding=True, **torchscript_exporter_kwargs(),
        )


def _max_abs(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64))))


def _validate_fp16(fp32_dir: str, out_dir: str, variant: str, report: ExportReport) -> None:
    from . import node_runtime

    reason = node_runtime.missing_tools()
    if reason:
        report.notes.append(f"fp16 not validated: {reason}")
        return
    generator = np.random.default_rng(0)
    image = generator.standard_normal((1, 3, 1024, 1024)).astype(np.float32)
    ref, _ = node_runtime.run_onnx(os.path.join(fp32_dir, "encoder.onnx"), {"image": image})
    half, _ = node_runtime.run_onnx(os.path.join(out_dir, "encoder.onnx"), {"image": image})
    report.fp16_max_abs_diff["image_embeddings"] = _max_abs(ref["image_embeddings"], half["image_embeddings"])
    torch_inputs = example_decoder_inputs(num_points=2)
    feeds = {name: t.numpy() for name, t in zip(DECODER_INPUTS, torch_inputs)}
    feeds["image_embeddings"] = ref["image_embeddings"]
    if variant == "low-res-only":
        del feeds["orig_im_size"]
    ref_dec, _ = node_runtime.run_onnx(os.path.join(fp32_dir, "decoder.onnx"), feeds)
    half_dec, _ = node_runtime.run_onnx(os.path.join(out_dir, "decoder.onnx"), feeds)
    for name in ref_dec:
        report.fp16_max_abs_diff[name] = _max_abs(ref_dec[name], half_dec[name])
    low_ref, low_half = ref_dec["low_res_masks"] > 0, half_dec["low_res_masks"] > 0
    report.notes.append(
        f"fp16 vs fp32 low-res mask sign agreement {float(np.mean(low_ref == low_half)):.6f}")


def write_manifest(out_dir: str, options: ExportOptions) -> dict:
    manifest = {
        "schemaVersion": 1,
        "name": options.name,
        "family": "sam-v1",
        "preprocessing": options.preprocessing,
        "inputSize": 1024,
        "maskThreshold": 0.0,
        "encoder": {"file": "encoder.onnx", "variant": "image-nchw"},
        "decoder": {"file": "decoder.onnx", "variant": options.decoder_variant, "batchAxis": options.decoder_batch_axis},
        "supportsNoPrompt": options.supports_no_prompt,
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


def export_model_folder(
    model: Sam, out_dir: str, options: ExportOptions, parts: Tuple[str, ...] = ("encoder", "decoder"),
    encoder_example: Optional[torch.Tensor] = None,
) -> ExportReport:
    """Exports `model` (eval mode) to `out_dir`; returns timings, sizes and fp16 differences.
    `parts` lets tests export one graph only (the folder is then incomplete); `encoder_example` is
    the image the encoder is traced on, and its PyTorch output comes back in the report."""
    if options.decoder_variant not in ("multimask", "single-mask", "low-res-only"):
        raise ValueError(f"Expected decoder variant multimask, single-mask or low-res-only; got {options.decoder_variant}")
    if options.preprocessing not in ("sam", "medsam"):
        raise ValueError(f"Expected preprocessing sam or medsam; got {options.preprocessing}")
    model = model.eval()
    report = ExportReport()
    warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
    warnings.filterwarnings("ignore", category=UserWarning, module=r"torch\.onnx.*")
    created = not os.path.exists(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    work = tempfile.mkdtemp(prefix=".export-", dir=out_dir)
    # The finished files are staged in work/folder and moved into out_dir only after every part (and the fp16
    # check) succeeded, model.json last: a folder the SDK can load is always a complete one.
    staging = os.path.join(work, "folder")
    os.makedirs(staging)
    published = False
    try:
        for part in parts:
            staged = os.path.join(work, part + ".onnx")
            start = time.perf_counter()
            if part == "encoder":
                report.encoder_example_output = _export_encoder(model, staged, encoder_example)
            else:
                _export_decoder(model, staged, options.decoder_variant, options.decoder_batch_axis)
            report.seconds[f"{part}_trace"] = time.perf_counter() - start
            start = time.perf_counter()
            proto = onnx.load(staged)  # also pulls in external data torch wrote for >2 GB graphs
            declare_output_shapes(proto, contract_output_shapes(part, options.decoder_variant, options.decoder_batch_axis))
            if options.fp16:
                converted = convert_weights_to_fp16(proto)
                report.notes.append(f"{part}: {converted} initializers stored as float16")
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
            _validate_fp16(work, staging, options.decoder_variant, report)
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


def _publish(staging: str, out_dir: str, parts: Tuple[str, ...]) -> None:
    """Moves the staged graphs into out_dir (same file system: renames). An earlier export's model.json goes first,
    and an earlier external-data file that this export did not write is removed, so nothing stale stays paired."""
    manifest = os.path.join(out_dir, "model.json")
    if os.path.exists(manifest):
        os.remove(manifest)
    for part in parts:
        for name in (part + ".onnx.data", part + ".onnx"):
            target = os.path.join(out_dir, name)
            if os.path.exists(os.path.join(staging, name)):
                os.replace(os.path.join(staging, name), target)
            elif os.path.exists(target):
                os.remove(target)
