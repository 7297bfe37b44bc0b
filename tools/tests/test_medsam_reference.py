"""tools/goldens/medsam_reference.py: MedSAM's inference as the SDK's medsam profile feeds it.

The SDK runs the ONNX decoder graph (sam.onnx_modules.DecoderGraph semantics) with the box as two corner points
labelled 2 and 3, no padding point, no mask input, and takes mask 0 of `low_res_masks`; MedSAM's script calls the
prompt encoder with `boxes=` and the mask decoder with `multimask_output=False`. These tests check on the project's
PyTorch SAM v1 (tiny, random weights) that the two are the same computation, that the reference postprocessing is
sigmoid -> one resize -> > 0.5 (not SAM's logit route), and that the committed goldens regenerate."""

from __future__ import annotations

import json
import os
import sys

import numpy as np
import pytest

TOOLS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOOLS_DIR, "goldens"))

import onnx  # noqa: E402,F401  (before torch: tools/tests/test_import_order.py)
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

pytest.importorskip("skimage")

import medsam_reference as ref  # noqa: E402
from sam import build_sam  # noqa: E402
from sam.onnx_modules import DecoderGraph  # noqa: E402


@pytest.fixture(scope="module")
def tiny_sam():
    return build_sam("tiny", seed=3)


def test_box_prompt_through_medsam_api_equals_onnx_decoder_inputs(tiny_sam):
    generator = torch.Generator().manual_seed(5)
    embedding = torch.randn(1, 256, 64, 64, generator=generator)
    box_1024 = ref.medsam_box_1024(np.array([[60.0, 40.0, 150.0, 120.0]]), 150, 200)

    low, iou = ref.medsam_low_res_logits(tiny_sam, embedding, box_1024)

    coords = torch.as_tensor(box_1024, dtype=torch.float).reshape(1, 2, 2)
    labels = torch.tensor([[2.0, 3.0]])
    with torch.no_grad():
        graph_iou, graph_low = DecoderGraph(tiny_sam, low_res_only=True)(
            embedding, coords, labels, torch.zeros(1, 1, 256, 256), torch.zeros(1))
    assert low.shape == (1, 1, 256, 256)
    assert torch.allclose(low[0, 0], graph_low[0, 0], atol=1e-5, rtol=0)
    assert abs(float(iou.reshape(-1)[0]) - float(graph_iou[0, 0])) < 1e-6


def test_postprocess_resizes_probabilities_once():
    rng = np.random.default_rng(1)
    low = torch.from_numpy((rng.standard_normal((256, 256)) * 20).astype(np.float32))[None, None]
    p, seg = ref.medsam_postprocess(low, 450, 600)
    expected = F.interpolate(torch.sigmoid(low), size=(450, 600), mode="bilinear", align_corners=False)[0, 0].numpy()
    assert np.array_equal(p, expected)
    assert np.array_equal(seg, (expected > 0.5).astype(np.uint8))
    logit_route = F.interpolate(low, size=(450, 600), mode="bilinear", align_corners=False)[0, 0].numpy() > 0
    assert int((logit_route != seg.astype(bool)).sum()) > 100  # the order of sigmoid and resize matters


def test_rle_round_trips():
    mask = np.array([[1, 1, 0], [0, 1, 1]], dtype=np.uint8)
    runs = ref.rle(mask)
    assert runs == [0, 2, 2, 2]
    flat = np.concatenate([np.full(n, i % 2, dtype=np.uint8) for i, n in enumerate(runs)])
    assert np.array_equal(flat.reshape(2, 3), mask)


def test_committed_postprocessing_goldens_regenerate():
    with open(ref.OUT / "postprocessing.json") as f:
        committed = json.load(f)["cases"]
    case = committed[0]
    low = np.fromfile(ref.TEST_DATA / case["logitsFile"], dtype="<f4").reshape(256, 256) * np.float32(case["scale"])
    p, seg = ref.medsam_postprocess(torch.from_numpy(low.copy())[None, None], case["height"], case["width"])
    assert ref.rle(seg) == case["rle"]
    assert int(seg.sum()) == case["area"]
