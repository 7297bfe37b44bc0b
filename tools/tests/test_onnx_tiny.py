"""Tiny-config exports: files, signatures per MANIFEST.md, and PyTorch vs ONNX Runtime parity."""

from __future__ import annotations

import json
import os

import numpy as np
import onnx
import pytest
import torch

from sam.onnx_modules import DECODER_INPUTS, DecoderGraph, example_decoder_inputs

from conftest import record
from parity import EMBEDDING_TOLERANCE, assert_masks_agree, max_abs_diff

FLOAT = onnx.TensorProto.FLOAT


def signature(values):
    return [(v.name, v.type.tensor_type.elem_type,
             [d.dim_param if d.dim_param else d.dim_value for d in v.type.tensor_type.shape.dim]) for v in values]


def test_model_folder_has_the_manifest_schema(tiny_export):
    out, _ = tiny_export
    assert sorted(os.listdir(out)) == ["decoder.onnx", "encoder.onnx", "model.json"]
    with open(os.path.join(out, "model.json"), encoding="utf-8") as handle:
        manifest = json.load(handle)
    assert list(manifest) == ["schemaVersion", "name", "family", "preprocessing", "inputSize", "maskThreshold",
                              "encoder", "decoder", "supportsNoPrompt", "license", "provenance"]
    assert manifest["schemaVersion"] == 1 and manifest["family"] == "sam-v1" and manifest["inputSize"] == 1024
    assert manifest["encoder"] == {"file": "encoder.onnx", "variant": "image-nchw"}
    assert manifest["decoder"] == {"file": "decoder.onnx", "variant": "multimask", "batchAxis": False}
    assert manifest["preprocessing"] == "sam" and manifest["maskThreshold"] == 0.0


def test_encoder_signature_and_opset(tiny_export):
    model = onnx.load(os.path.join(tiny_export[0], "encoder.onnx"))
    onnx.checker.check_model(model)
    assert [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")] == [17]
    assert signature(model.graph.input) == [("image", FLOAT, [1, 3, 1024, 1024])]
    assert signature(model.graph.output) == [("image_embeddings", FLOAT, [1, 256, 64, 64])]


@pytest.mark.parametrize("fixture, k", [("tiny_export", 4), ("tiny_single_export", 1)])
def test_decoder_signature(request, fixture, k):
    model = onnx.load(os.path.join(request.getfixturevalue(fixture)[0], "decoder.onnx"))
    onnx.checker.check_model(model)
    assert signature(model.graph.input) == [
        ("image_embeddings", FLOAT, [1, 256, 64, 64]), ("point_coords", FLOAT, [1, "num_points", 2]),
        ("point_labels", FLOAT, [1, "num_points"]), ("mask_input", FLOAT, [1, 1, 256, 256]),
        ("has_mask_input", FLOAT, [1]), ("orig_im_size", FLOAT, [2])]
    assert signature(model.graph.output) == [
        ("masks", FLOAT, [1, k, "height", "width"]), ("iou_predictions", FLOAT, [1, k]),
        ("low_res_masks", FLOAT, [1, k, 256, 256])]


@pytest.fixture(scope="module")
def tiny_embeddings(tiny_model, tiny_export, onnx_runtime):
    image = torch.randn(1, 3, 1024, 1024, generator=torch.Generator().manual_seed(11))
    with torch.no_grad():
        expected = tiny_model.image_encoder(image)
    outputs, report = onnx_runtime(os.path.join(tiny_export[0], "encoder.onnx"), {"image": image.numpy()})
    return expected, outputs["image_embeddings"], report


def test_encoder_matches_pytorch(tiny_embeddings):
    expected, actual, report = tiny_embeddings
    diff = max_abs_diff(actual, expected)
    record("tiny encoder image_embeddings max abs diff (ORT vs PyTorch)", diff)
    record("tiny encoder onnxruntime-node run ms", report["runMs"][0])
    assert actual.shape == (1, 256, 64, 64)
    assert diff < EMBEDDING_TOLERANCE


CASES = {
    # name: (point coords, labels, orig size, mask prompt?)
    "click+padding": ([[500.0, 380.0], [0.0, 0.0]], [1.0, -1.0], (150, 200), False),
    "box": ([[100.0, 120.0], [700.0, 650.0]], [2.0, 3.0], (200, 150), False),
    "clicks+box+mask": ([[300.0, 310.0], [640.0, 200.0], [90.0, 80.0], [900.0, 700.0]], [1.0, 0.0, 2.0, 3.0],
                        (1024, 683), True),
    "many clicks": ([[float(20 * i + 5), float(1000 - 30 * i)] for i in range(9)] + [[0.0, 0.0]],
                    [1.0, 0.0] * 4 + [1.0, -1.0], (600, 450), False),
}


def decoder_feeds(embeddings, coords, labels, size, with_mask):
    mask = torch.randn(1, 1, 256, 256, generator=torch.Generator().manual_seed(3)) * 4.0 if with_mask \
        else torch.zeros(1, 1, 256, 256)
    return (embeddings, torch.tensor([coords]), torch.tensor([labels]), mask,
            torch.tensor([1.0 if with_mask else 0.0]), torch.tensor([float(size[0]), float(size[1])]))


@pytest.mark.parametrize("single", [False, True], ids=["multimask", "single-mask"])
@pytest.mark.parametrize("case", list(CASES))
def test_decoder_matches_pytorch(request, tiny_model, tiny_embeddings, onnx_runtime, case, single):
    out = request.getfixturevalue("tiny_single_export" if single else "tiny_export")[0]
    inputs = decoder_feeds(torch.from_numpy(tiny_embeddings[1]), *CASES[case])
    with torch.no_grad():
        masks, iou, low_res = DecoderGraph(tiny_model, single_mask=single)(*inputs)
    outputs, _ = onnx_runtime(os.path.join(out, "decoder.onnx"),
                              {name: t.numpy() for name, t in zip(DECODER_INPUTS, inputs)})
    k = 1 if single else 4
    h, w = CASES[case][2]
    assert outputs["masks"].shape == (1, k, h, w)
    assert outputs["iou_predictions"].shape == (1, k)
    assert outputs["low_res_masks"].shape == (1, k, 256, 256)
    label = f"tiny decoder {'single' if single else 'multi'} [{case}]"
    record(f"{label} iou max abs diff", max_abs_diff(outputs["iou_predictions"], iou))
    record(f"{label} low_res max abs diff", max_abs_diff(outputs["low_res_masks"], low_res))
    record(f"{label} masks max abs diff", max_abs_diff(outputs["masks"], masks))
    assert max_abs_diff(outputs["iou_predictions"], iou) < 1e-4
    assert max_abs_diff(outputs["low_res_masks"], low_res) < 1e-3
    assert_masks_agree(outputs["masks"], masks)
    assert_masks_agree(outputs["low_res_masks"], low_res)


def test_traced_encoder_output_is_the_eager_output(tiny_model, export_folder):
    image = torch.randn(1, 3, 1024, 1024, generator=torch.Generator().manual_seed(5))
    _, report = export_folder(tiny_model, "tiny-traced", parts=("encoder",), encoder_example=image)
    with torch.no_grad():
        eager = tiny_model.image_encoder(image)
    assert torch.equal(report.encoder_example_output, eager)


def test_low_res_only_decoder(tiny_model, export_folder, onnx_runtime):
    out, _ = export_folder(tiny_model, "tiny-lowres", parts=("decoder",), decoder_variant="low-res-only")
    model = onnx.load(os.path.join(out, "decoder.onnx"))
    assert [i.name for i in model.graph.input] == DECODER_INPUTS[:-1]
    assert [o.name for o in model.graph.output] == ["iou_predictions", "low_res_masks"]
    inputs = example_decoder_inputs(num_points=2)[:-1]
    with torch.no_grad():
        iou, low_res = DecoderGraph(tiny_model, low_res_only=True)(*inputs)
    outputs, _ = onnx_runtime(os.path.join(out, "decoder.onnx"),
                              {name: t.numpy() for name, t in zip(DECODER_INPUTS, inputs)})
    assert max_abs_diff(outputs["low_res_masks"], low_res) < 1e-3
    with open(os.path.join(out, "model.json"), encoding="utf-8") as handle:
        assert json.load(handle)["decoder"]["variant"] == "low-res-only"


def test_external_data_export_runs_the_same(tiny_model, tiny_export, tiny_embeddings, export_folder, onnx_runtime):
    out, report = export_folder(tiny_model, "tiny-external", parts=("encoder",), external_data="always")
    assert sorted(os.listdir(out)) == ["encoder.onnx", "encoder.onnx.data", "model.json"]
    assert os.path.getsize(os.path.join(out, "encoder.onnx")) < 200_000
    onnx.checker.check_model(os.path.join(out, "encoder.onnx"))
    image = torch.randn(1, 3, 1024, 1024, generator=torch.Generator().manual_seed(11)).numpy()
    outputs, _ = onnx_runtime(os.path.join(out, "encoder.onnx"), {"image": image})
    assert np.array_equal(outputs["image_embeddings"], tiny_embeddings[1])


def test_fp16_weights_keep_float32_io_and_stay_close(tiny_model, tiny_export, export_folder, onnx_runtime):
    out, report = export_folder(tiny_model, "tiny-fp16", fp16=True)
    for part, k_inputs in (("encoder", 1), ("decoder", 6)):
        model = onnx.load(os.path.join(out, f"{part}.onnx"))
        assert len(model.graph.input) == k_inputs
        assert all(v.type.tensor_type.elem_type == FLOAT for v in list(model.graph.input) + list(model.graph.output))
        assert any(t.data_type == onnx.TensorProto.FLOAT16 for t in model.graph.initializer)
        fp32_size = os.path.getsize(os.path.join(tiny_export[0], f"{part}.onnx"))
        assert os.path.getsize(os.path.join(out, f"{part}.onnx")) < 0.6 * fp32_size
    for name, diff in report.fp16_max_abs_diff.items():
        record(f"tiny fp16 vs fp32 {name} max abs diff", diff)
    assert set(report.fp16_max_abs_diff) == {"image_embeddings", "masks", "iou_predictions", "low_res_masks"}
    assert report.fp16_max_abs_diff["image_embeddings"] < 0.05
    with open(os.path.join(out, "model.json"), encoding="utf-8") as handle:
        manifest = json.load(handle)
    assert "fp16 vs fp32 max abs diff" in manifest["provenance"]
    assert manifest["precision"] == "fp16"
