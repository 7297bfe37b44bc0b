"""tools/amg/reference_amg.py: the helpers against hand-worked cases, and the grid8 golden on the real image is what
the reference computes today (the C# AutomaticMaskGeneratorGoldenTests compare the SDK with these goldens)."""

from __future__ import annotations

import json
import os
import sys

import onnx  # noqa: F401  (before torch: see tools/tests/test_import_order.py)
import numpy as np

AMG_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "amg")
sys.path.insert(0, AMG_DIR)
import reference_amg as amg  # noqa: E402
import make_amg_goldens as goldens  # noqa: E402


def test_crop_boxes_one_layer_overlap_and_order():
    boxes, layers = amg.crop_boxes(200, 150, 1, 512 / 1500)
    assert boxes == [[0, 0, 200, 150], [0, 0, 126, 101], [0, 50, 126, 150], [75, 0, 200, 101], [75, 50, 200, 150]]
    assert layers == [0, 1, 1, 1, 1]


def test_point_grid_cell_centres_y_outer_x_inner():
    grid = amg.point_grid(2)
    assert grid.tolist() == [[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]]


def test_nms_suppresses_overlaps_and_keeps_ties_in_order():
    boxes = [[0, 0, 10, 10], [1, 1, 10, 10], [20, 20, 30, 30], [50, 50, 60, 60], [0, 0, 10, 9]]
    scores = [0.5, 0.9, 0.7, 0.7, 0.95]
    assert amg.nms(boxes, scores, 0.7) == [4, 2, 3]
    assert amg.nms(boxes, scores, 0.95) == [4, 1, 2, 3, 0]


def test_mask_box_inclusive_and_empty():
    mask = np.zeros((5, 6), dtype=bool)
    assert amg.mask_box(mask) == [0, 0, 0, 0]
    mask[1, 2] = mask[3, 4] = True
    assert amg.mask_box(mask) == [2, 1, 4, 3]


def test_remove_small_regions_holes_then_islands():
    mask = np.zeros((8, 12), dtype=bool)
    mask[1:7, 1:7] = True
    mask[3, 3] = False
    mask[2, 10] = mask[3, 11] = True
    filled, changed = amg.remove_small_regions(mask, 3, "holes")
    assert changed and filled[3, 3]
    cleaned, changed = amg.remove_small_regions(filled, 3, "islands")
    assert changed and not cleaned[2, 10] and cleaned.sum() == 36


def test_coco_counts_column_major_starting_with_background():
    mask = np.array([[0, 1], [1, 1]], dtype=bool)
    assert goldens.coco_counts(mask) == [1, 3]
    assert goldens.coco_counts(np.ones((2, 2), dtype=bool)) == [0, 4]


def test_grid8_golden_on_the_real_image_is_current():
    path = os.path.join(str(goldens.EXPECTED), "amg", "grid8.ISIC_0031023.json")
    with open(path) as f:
        doc = json.load(f)
    image = np.fromfile(os.path.join(str(goldens.EXPECTED), doc["image"]), dtype=np.uint8).reshape(doc["height"], doc["width"], 3)
    records = amg.generate(amg.FixturePredictor(), image, amg.AmgParams(**doc["params"]))
    assert len(records) == len(doc["masks"]) > 0
    for r, g in zip(records, doc["masks"]):
        assert goldens.coco_counts(r["mask"]) == g["segmentation"]["counts"]
        # PyTorch's last bits follow the BLAS it is linked against (reference BLAS or OpenBLAS)
        assert abs(r["predicted_iou"] - g["predicted_iou"]) <= 1e-5
        assert r["bbox"] == g["bbox"]
