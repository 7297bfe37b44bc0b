"""SAM 2.1 at real Hiera-T shapes (random weights, seed 0): export, then ONNX Runtime vs PyTorch on a real image for
the three encoder outputs and a points + box decode. About a minute on 2 cores; deselect with -m 'not hiera_t'."""

from __future__ import annotations

import os

import numpy as np
import onnx  # noqa: F401  (before torch: see tools/sam/__init__.py)
import pytest
import torch

from sam2 import build_sam2
from sam2.exporting import Sam2ExportOptions, export_sam2_folder
from sam2.onnx_modules import DECODER_INPUTS, ENCODER_OUTPUTS, DecoderGraph
from sam2.predictor import preprocess, prompt_sequence

from conftest import record
from parity import EMBEDDING_TOLERANCE, assert_masks_agree, max_abs_diff

pytestmark = pytest.mark.hiera_t
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_hiera_t_export_matches_pytorch(tmp_path, onnx_runtime):
    model = build_sam2("sam2.1_hiera_t", seed=0)
    rgb = np.fromfile(os.path.join(ROOT, "models", "test-fixtures", "expected", "ISIC_0031023.rgb24"),
                      dtype=np.uint8).reshape(150, 200, 3)
    image = preprocess(rgb)
    out = str(tmp_path / "hiera-t")
    report = export_sam2_folder(model, out, Sam2ExportOptions(name="hiera-t-random", provenance="test"),
                                encoder_example=image)
    record("sam2 hiera_t export seconds", sum(report.seconds.values()))
    features, run = onnx_runtime(os.path.join(out, "encoder.onnx"), {"image": image.numpy()})
    record("sam2 hiera_t encoder onnxruntime-node run ms", run["runMs"][0])
    for name, expected in zip(ENCODER_OUTPUTS, report.encoder_example_output):
        diff = max_abs_diff(features[name], expected.numpy())
        record(f"sam2 hiera_t encoder {name} max abs diff (ORT vs PyTorch)", diff)
        assert diff < EMBEDDING_TOLERANCE
    coords, labels = prompt_sequence([[100, 75]], [1], [50, 37, 150, 112], (150, 200))
    feeds = dict(features, point_coords=coords, point_labels=labels, mask_input=np.zeros((1, 1, 256, 256), np.float32),
                 has_mask_input=np.zeros(1, np.float32), orig_im_size=np.array([150, 200], np.int32))
    outputs, _ = onnx_runtime(os.path.join(out, "decoder.onnx"), feeds)
    with torch.no_grad():
        masks, iou, low_res = DecoderGraph(model)(*(torch.from_numpy(np.asarray(feeds[n])) for n in DECODER_INPUTS))
    record("sam2 hiera_t decoder [points+box] masks max abs diff", max_abs_diff(outputs["masks"], masks))
    assert max_abs_diff(outputs["iou_predictions"], iou) < 1e-4
    assert_masks_agree(outputs["masks"], masks)
    assert_masks_agree(outputs["low_res_masks"], low_res)
