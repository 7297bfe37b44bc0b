"""Real ViT-B shapes (random weights): PyTorch vs ONNX Runtime on the same inputs.

Marked `vitb`: it runs by default (CI included) but is the slow part of the suite (one ViT-B trace,
one 360 MB file, one PyTorch and one ONNX Runtime encoder pass); deselect with -m 'not vitb'."""

from __future__ import annotations

import os
import time

import pytest
import onnx  # noqa: F401  (before torch: see tools/sam/__init__.py)
import torch

from sam import build_sam
from sam.onnx_modules import DECODER_INPUTS, DecoderGraph

from conftest import record
from parity import EMBEDDING_TOLERANCE, assert_masks_agree, max_abs_diff

pytestmark = pytest.mark.vitb


@pytest.fixture(scope="module")
def vit_b_export(export_folder, onnx_runtime):
    model = build_sam("vit_b", seed=0)
    image = torch.randn(1, 3, 1024, 1024, generator=torch.Generator().manual_seed(21))
    started = time.perf_counter()
    # The PyTorch reference output is the one the tracer computed on `image` (saves a forward pass).
    out, report = export_folder(model, "vit_b-random", encoder_example=image)
    record("vit_b export seconds (trace+save+check, both graphs)", time.perf_counter() - started)
    record("vit_b encoder.onnx MB", os.path.getsize(os.path.join(out, "encoder.onnx")) / 1e6)
    record("vit_b decoder.onnx MB", os.path.getsize(os.path.join(out, "decoder.onnx")) / 1e6)
    return model, out, image, report.encoder_example_output


def test_vit_b_encoder_and_decoder_match_pytorch(vit_b_export, onnx_runtime):
    model, out, image, expected = vit_b_export
    outputs, report = onnx_runtime(os.path.join(out, "encoder.onnx"), {"image": image.numpy()})
    diff = max_abs_diff(outputs["image_embeddings"], expected)
    record("vit_b encoder image_embeddings max abs diff (ORT vs PyTorch)", diff)
    record("vit_b encoder onnxruntime-node run ms (2 threads)", report["runMs"][0])
    assert diff < EMBEDDING_TOLERANCE

    embeddings = torch.from_numpy(outputs["image_embeddings"])
    inputs = (embeddings, torch.tensor([[[400.0, 300.0], [650.0, 520.0], [0.0, 0.0]]]),
              torch.tensor([[1.0, 0.0, -1.0]]), torch.zeros(1, 1, 256, 256), torch.zeros(1),
              torch.tensor([450.0, 600.0]))
    with torch.no_grad():
        masks, iou, low_res = DecoderGraph(model)(*inputs)
    decoded, _ = onnx_runtime(os.path.join(out, "decoder.onnx"),
                              {name: t.numpy() for name, t in zip(DECODER_INPUTS, inputs)})
    record("vit_b decoder iou max abs diff", max_abs_diff(decoded["iou_predictions"], iou))
    record("vit_b decoder masks max abs diff", max_abs_diff(decoded["masks"], masks))
    assert decoded["masks"].shape == (1, 4, 450, 600)
    assert max_abs_diff(decoded["iou_predictions"], iou) < 1e-4
    flipped = assert_masks_agree(decoded["masks"], masks)
    record("vit_b decoder mask pixels flipped within |logit| < 1e-3", str(flipped))
