"""tools/quantize.py: the fp16, int8-dynamic and int8-qdq variants of an exported tiny SAM folder keep the float32
contract, say what they are in model.json, and (through ONNX Runtime for Node.js) give masks close to fp32's."""

from __future__ import annotations

import csv
import json
import os

import numpy as np
import onnx
import pytest
from PIL import Image

import quantize
from conftest import record


def _ham_layout(root: str, count: int = 3) -> str:
    """A HAM10000-layout folder of synthetic lesion images (images/, masks/, metadata.csv) for calibration."""
    os.makedirs(os.path.join(root, "images"))
    os.makedirs(os.path.join(root, "masks"))
    rows = []
    yy, xx = np.mgrid[0:150, 0:200]
    for i in range(count):
        image_id = f"ISIC_{i:07d}"
        inside = ((xx - 100 - 10 * i) / (50 + 5 * i)) ** 2 + ((yy - 75) / 40) ** 2 <= 1
        rgb = np.stack([200 - 80 * inside, 160 - 90 * inside, 140 - 70 * inside], axis=-1).astype(np.uint8)
        Image.fromarray(rgb).save(os.path.join(root, "images", image_id + ".jpg"))
        Image.fromarray((inside * 255).astype(np.uint8)).save(os.path.join(root, "masks", image_id + "_segmentation.png"))
        rows.append({"lesion_id": f"HAM_{i:07d}", "image_id": image_id, "dx": "nv"})
    with open(os.path.join(root, "metadata.csv"), "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["lesion_id", "image_id", "dx"])
        writer.writeheader()
        writer.writerows(rows)
    return root


def test_symmetric_int8_rounds_each_channel_within_half_a_step():
    w = np.random.default_rng(0).standard_normal((8, 3, 3, 3)).astype(np.float32)
    q, scale = quantize.symmetric_int8(w, 0)
    assert q.dtype == np.int8 and scale.shape == (8,)
    assert np.all(np.abs(q.astype(np.float32) * scale.reshape(-1, 1, 1, 1) - w) <= scale.reshape(-1, 1, 1, 1) / 2 + 1e-7)
    assert np.all(np.abs(q).reshape(8, -1).max(axis=1) == 127)


def test_uint8_range_always_holds_zero_exactly():
    for lo, hi in ((-1.5, 3.0), (0.5, 2.0), (-4.0, -1.0), (0.0, 0.0)):
        scale, zero = quantize.uint8_range(lo, hi)
        assert scale > 0 and 0 <= int(zero) <= 255
        assert min(lo, 0) >= -float(zero) * scale - 1e-6 and max(hi, 0) <= (255 - int(zero)) * scale + 1e-6


def test_calibration_ids_leave_out_every_lesion_of_the_excluded_images(tmp_path):
    data = _ham_layout(str(tmp_path / "ham"), count=4)
    excluded = tmp_path / "val.txt"
    excluded.write_text("ISIC_0000001\n")
    ids = quantize.calibration_ids(data, str(excluded), 3)
    assert "ISIC_0000001" not in ids and len(ids) == 3
    with pytest.raises(ValueError, match="Expected at most 3 calibration images"):
        quantize.calibration_ids(data, str(excluded), 4)


@pytest.mark.parametrize("precision", quantize.PRECISIONS)
def test_variant_keeps_the_contract_and_says_its_precision(tiny_export, tmp_path, onnx_runtime, precision):
    source = tiny_export[0]
    out = str(tmp_path / f"tiny-{precision}")
    data = _ham_layout(str(tmp_path / "ham"))
    report = quantize.quantize_folder(source, out, precision, calibration_data=data, calibration_count=3)
    with open(os.path.join(out, "model.json"), encoding="utf-8") as handle:
        manifest = json.load(handle)
    assert manifest["precision"] == precision
    assert f"Variant {precision}" in manifest["provenance"]
    ops = set()
    for part in ("encoder", "decoder"):
        fp32 = onnx.load(os.path.join(source, f"{part}.onnx"))
        variant = onnx.load(os.path.join(out, f"{part}.onnx"))
        onnx.checker.check_model(variant)
        assert [(v.name, v.type.tensor_type.elem_type) for v in variant.graph.input] == \
               [(v.name, v.type.tensor_type.elem_type) for v in fp32.graph.input]
        assert [v.name for v in variant.graph.output] == [v.name for v in fp32.graph.output]
        assert report.quantized[part] > 0
        ops |= {n.op_type for n in variant.graph.node}
    expected_ops = {"fp16": {"Cast"}, "int8-dynamic": {"DynamicQuantizeLinear", "MatMulInteger", "ConvInteger"},
                    "int8-qdq": {"QuantizeLinear", "DequantizeLinear"}}[precision]
    assert expected_ops <= ops

    # One of the calibration images through fp32 and the variant (static ranges hold for inputs like those they were
    # measured on): the embeddings stay close and the low-res masks agree.
    rgb = np.asarray(Image.open(os.path.join(data, "images", "ISIC_0000001.jpg")).convert("RGB"))
    image, _ = quantize.sam_preprocess(rgb)
    ref = onnx_runtime(os.path.join(source, "encoder.onnx"), {"image": image})[0]["image_embeddings"]
    got = onnx_runtime(os.path.join(out, "encoder.onnx"), {"image": image})[0]["image_embeddings"]
    relative = float(np.abs(ref - got).max() / np.abs(ref).max())
    feeds = {"image_embeddings": ref, "point_coords": np.array([[[200, 150], [800, 600]]], np.float32),
             "point_labels": np.array([[2, 3]], np.float32), "mask_input": np.zeros((1, 1, 256, 256), np.float32),
             "has_mask_input": np.zeros(1, np.float32), "orig_im_size": np.array([150, 200], np.float32)}
    a = onnx_runtime(os.path.join(source, "decoder.onnx"), feeds)[0]["low_res_masks"] > 0
    b = onnx_runtime(os.path.join(out, "decoder.onnx"), feeds)[0]["low_res_masks"] > 0
    agreement = float(np.mean(a == b))
    record(f"tiny {precision}: embedding max |diff| / max |fp32|", relative)
    record(f"tiny {precision}: low-res mask sign agreement with fp32", agreement)
    assert relative < (0.01 if precision == "fp16" else 0.1)
    assert agreement > 0.98


def test_refuses_what_it_cannot_quantise(tiny_export, tmp_path):
    source = tiny_export[0]
    with pytest.raises(ValueError, match="Expected --calibration-data"):
        quantize.quantize_folder(source, str(tmp_path / "q"), "int8-qdq")
    with pytest.raises(ValueError, match="Expected --out to differ"):
        quantize.quantize_folder(source, source, "fp16")
    with pytest.raises(ValueError, match="Expected --precision one of"):
        quantize.quantize_folder(source, str(tmp_path / "q"), "int4")
    half = str(tmp_path / "half")
    quantize.quantize_folder(source, half, "fp16")
    with pytest.raises(ValueError, match="Expected an fp32 model folder"):
        quantize.quantize_folder(half, str(tmp_path / "q"), "int8-dynamic")
    assert quantize.main(["--model", str(tmp_path / "missing"), "--out", str(tmp_path / "q"), "--precision", "fp16"]) == 2
