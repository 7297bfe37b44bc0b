#!/usr/bin/python3
"""Reference "segment everything" (automatic mask generation) for SkinSam.Sdk's AutomaticMaskGenerator.

Written for this project from the published description of segment_anything's SamAutomaticMaskGenerator
(Kirillov et al. 2023, and the library's documented parameters); no code was copied. The algorithm:

1. Crops: the whole image (layer 0), then for each layer i = 1..crop_n_layers a 2^i x 2^i grid of overlapping crops
   (overlap = int(crop_overlap_ratio * short_side * 2 / 2^i), crop length ceil((overlap * (n - 1) + length) / n),
   crop origins int((crop_length - overlap) * k), x outer, y inner).
2. Points: a points_per_side x points_per_side grid at cell centres (linspace(1 / 2n, 1 - 1 / 2n, n), y outer, x inner) per layer,
   n = int(points_per_side / crop_n_points_downscale_factor ** layer), scaled to each crop's size.
3. Per crop: encode the crop, decode the points in batches of points_per_batch, one positive point each, multimask
   output (the three multimask candidates of a four-mask decoder: indices 1..3), mask logits at the crop's size.
   Per candidate in order (point, then candidate): keep predicted IoU > pred_iou_thresh (if > 0); stability score
   = area(logits > t + offset) / area(logits > t - offset) computed on the logits (float32 thresholds); keep
   stability >= stability_score_thresh (if > 0); binary mask = logits > t; box = [x_min, y_min, x_max, y_max]
   (inclusive pixel indices, [0, 0, 0, 0] for an empty mask); drop boxes within 20 px of a crop edge that is not an
   image edge; uncrop masks, boxes and points into the image.
4. Per crop: greedy NMS over the boxes by predicted IoU (descending), IoU > box_nms_thresh suppresses, IoU from
   box areas (x1 - x0) * (y1 - y0). Across crops (when there is more than one): NMS with score 1 / crop area and
   crop_nms_thresh.
5. min_mask_region_area > 0: per mask, fill background components smaller than the area (8-connected, "holes"),
   then remove foreground components smaller than it ("islands"; if all are smaller, keep the largest, first in
   raster order on ties); NMS again with score 1 for unchanged and 0 for changed masks and
   max(box_nms_thresh, crop_nms_thresh); changed masks get their new box.
6. Records: segmentation, area, bbox (x, y, w, h) = the inclusive box [x0, y0, x1 - x0, y1 - y0], predicted_iou,
   point_coords [[x, y]], stability_score, crop_box (x, y, w, h).

Sorting is stable (equal scores keep their order): torchvision's nms does not promise an order for ties, and the SDK
defines it this way.

Run (repository root): /usr/bin/python3 tools/amg/make_amg_goldens.py
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from itertools import product
from pathlib import Path
from typing import List, Tuple

import onnx  # noqa: F401  (onnx before torch: see tools/tests/test_import_order.py)
import numpy as np
import torch


@dataclass
class AmgParams:
    points_per_side: int = 32
    points_per_batch: int = 64
    pred_iou_thresh: float = 0.88
    stability_score_thresh: float = 0.95
    stability_score_offset: float = 1.0
    box_nms_thresh: float = 0.7
    crop_n_layers: int = 0
    crop_nms_thresh: float = 0.7
    crop_overlap_ratio: float = 512 / 1500
    crop_n_points_downscale_factor: int = 1
    min_mask_region_area: int = 0


# ---------------------------------------------------------------------------------------------- grids and crops

def point_grid(n: int) -> np.ndarray:
    """[n * n, 2] (x, y) in 0..1 at cell centres (numpy linspace from 1 / 2n to 1 - 1 / 2n), y outer, x inner."""
    offset = 1 / (2 * n)
    centres = np.linspace(offset, 1 - offset, n)
    ys, xs = np.meshgrid(centres, centres, indexing="ij")
    return np.stack([xs.reshape(-1), ys.reshape(-1)], axis=-1)


def layer_point_grids(points_per_side: int, n_layers: int, downscale: int) -> List[np.ndarray]:
    return [point_grid(int(points_per_side / (downscale ** i))) for i in range(n_layers + 1)]


def crop_boxes(width: int, height: int, n_layers: int, overlap_ratio: float) -> Tuple[List[List[int]], List[int]]:
    boxes, layers = [[0, 0, width, height]], [0]
    short = min(width, height)
    for i in range(n_layers):
        n = 2 ** (i + 1)
        overlap = int(overlap_ratio * short * (2 / n))
        cw = int(math.ceil((overlap * (n - 1) + width) / n))
        ch = int(math.ceil((overlap * (n - 1) + height) / n))
        x0s = [int((cw - overlap) * k) for k in range(n)]
        y0s = [int((ch - overlap) * k) for k in range(n)]
        for x0, y0 in product(x0s, y0s):
            boxes.append([x0, y0, min(x0 + cw, width), min(y0 + ch, height)])
            layers.append(i + 1)
    return boxes, layers


# ---------------------------------------------------------------------------------------------- mask operations

def mask_box(mask: np.ndarray) -> List[int]:
    """[x_min, y_min, x_max, y_max], inclusive; [0, 0, 0, 0] for an empty mask."""
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return [0, 0, 0, 0]
    return [int(cols[0]), int(rows[0]), int(cols[-1]), int(rows[-1])]


def box_iou(a: List[float], b: List[float]) -> float:
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def nms(boxes: List[List[float]], scores: List[float], thresh: float) -> List[int]:
    """Greedy NMS; kept indices in descending score order (stable on ties)."""
    order = sorted(range(len(boxes)), key=lambda i: -scores[i])
    suppressed = [False] * len(boxes)
    keep = []
    for a, i in enumerate(order):
        if suppressed[i]:
            continue
        keep.append(i)
        for j in order[a + 1:]:
            if not suppressed[j] and box_iou(boxes[i], boxes[j]) > thresh:
                suppressed[j] = True
    return keep


def label_components(binary: np.ndarray) -> Tuple[np.ndarray, List[int]]:
    """8-connected labels 1..n in raster order of each component's first pixel; sizes[k] of label k + 1."""
    h, w = binary.shape
    labels = np.zeros((h, w), dtype=np.int32)
    sizes: List[int] = []
    for y0 in range(h):
        for x0 in np.flatnonzero(binary[y0] & (labels[y0] == 0)):
            if labels[y0, x0]:
                continue
            label = len(sizes) + 1
            stack = [(y0, int(x0))]
            labels[y0, x0] = label
            count = 0
            while stack:
                y, x = stack.pop()
                count += 1
                for dy in (-1, 0, 1):
                    for dx in (-1, 0, 1):
                        ny, nx = y + dy, x + dx
                        if 0 <= ny < h and 0 <= nx < w and binary[ny, nx] and not labels[ny, nx]:
                            labels[ny, nx] = label
                            stack.append((ny, nx))
            sizes.append(count)
    return labels, sizes


def remove_small_regions(mask: np.ndarray, area: int, mode: str) -> Tuple[np.ndarray, bool]:
    holes = mode == "holes"
    working = (~mask) if holes else mask
    labels, sizes = label_components(working)
    small = [k + 1 for k, s in enumerate(sizes) if s < area]
    if not small:
        return mask, False
    if holes:
        return mask | np.isin(labels, small), True
    keep = [k + 1 for k, s in enumerate(sizes) if s >= area]
    if not keep:
        keep = [int(np.argmax(sizes)) + 1]
    return np.isin(labels, keep), True


# ---------------------------------------------------------------------------------------------- the generator

def generate(predictor, image: np.ndarray, p: AmgParams) -> List[dict]:
    """image: uint8 [h, w, 3]. predictor.set_image(rgb) then predictor.predict(points [B, 2] float64 in the crop's
    pixels) -> (logits float32 [B, 3, ch, cw], iou float32 [B, 3]); predictor.mask_threshold."""
    h, w = image.shape[:2]
    boxes_c, layers = crop_boxes(w, h, p.crop_n_layers, p.crop_overlap_ratio)
    grids = layer_point_grids(p.points_per_side, p.crop_n_layers, p.crop_n_points_downscale_factor)
    t = np.float32(predictor.mask_threshold)
    hi = np.float32(float(t) + p.stability_score_offset)
    lo = np.float32(float(t) - p.stability_score_offset)
    records: List[dict] = []
    for crop, layer in zip(boxes_c, layers):
        x0, y0, x1, y1 = crop
        predictor.set_image(np.ascontiguousarray(image[y0:y1, x0:x1]))
        cw, ch = x1 - x0, y1 - y0
        points = grids[layer] * np.array([cw, ch], dtype=np.float64)
        found: List[dict] = []
        for start in range(0, len(points), p.points_per_batch):
            batch = points[start:start + p.points_per_batch]
            logits, iou = predictor.predict(batch)
            logits = logits.numpy()
            iou = iou.numpy()
            for b in range(len(batch)):
                for m in range(logits.shape[1]):
                    score = iou[b, m]
                    if p.pred_iou_thresh > 0.0 and not score > np.float32(p.pred_iou_thresh):
                        continue
                    lg = logits[b, m]
                    inter = int((lg > hi).sum())
                    union = int((lg > lo).sum())
                    stability = np.float32(inter) / np.float32(union) if union > 0 else np.float32(0.0)
                    if p.stability_score_thresh > 0.0 and not stability >= np.float32(p.stability_score_thresh):
                        continue
                    mask = lg > t
                    box = mask_box(mask)
                    if near_crop_edge(box, crop, [0, 0, w, h]):
                        continue
                    full = np.zeros((h, w), dtype=bool)
                    full[y0:y1, x0:x1] = mask
                    found.append({
                        "mask": full,
                        "box": [box[0] + x0, box[1] + y0, box[2] + x0, box[3] + y0],
                        "iou": float(score),
                        "stability": float(stability),
                        "point": [float(batch[b, 0]) + x0, float(batch[b, 1]) + y0],
                        "crop": list(crop),
                    })
        keep = nms([r["box"] for r in found], [r["iou"] for r in found], p.box_nms_thresh)
        records += [found[i] for i in keep]
    if len(boxes_c) > 1:
        scores = [1.0 / ((r["crop"][2] - r["crop"][0]) * (r["crop"][3] - r["crop"][1])) for r in records]
        keep = nms([r["box"] for r in records], scores, p.crop_nms_thresh)
        records = [records[i] for i in keep]
    if p.min_mask_region_area > 0:
        records = small_region_pass(records, p.min_mask_region_area, max(p.box_nms_thresh, p.crop_nms_thresh))
    return [{
        "mask": r["mask"],
        "area": int(r["mask"].sum()),
        "bbox": [r["box"][0], r["box"][1], r["box"][2] - r["box"][0], r["box"][3] - r["box"][1]],
        "predicted_iou": r["iou"],
        "point_coords": [r["point"]],
        "stability_score": r["stability"],
        "crop_box": [r["crop"][0], r["crop"][1], r["crop"][2] - r["crop"][0], r["crop"][3] - r["crop"][1]],
    } for r in records]


def near_crop_edge(box: List[int], crop: List[int], image: List[int], atol: float = 20.0) -> bool:
    shifted = [box[0] + crop[0], box[1] + crop[1], box[2] + crop[0], box[3] + crop[1]]
    return any(abs(shifted[k] - crop[k]) <= atol and not abs(shifted[k] - image[k]) <= atol for k in range(4))


def small_region_pass(records: List[dict], area: int, thresh: float) -> List[dict]:
    masks, scores = [], []
    for r in records:
        mask, changed_holes = remove_small_regions(r["mask"], area, "holes")
        mask, changed_islands = remove_small_regions(mask, area, "islands")
        masks.append(mask)
        scores.append(0.0 if (changed_holes or changed_islands) else 1.0)
    boxes = [mask_box(m) for m in masks]
    keep = nms(boxes, scores, thresh)
    out = []
    for i in keep:
        r = dict(records[i])
        if scores[i] == 0.0:
            r["mask"] = masks[i]
            r["box"] = boxes[i]
        out.append(r)
    return out


# ---------------------------------------------------------------------------------------------- predictors

class FixturePredictor:
    """The PyTorch modules the tiny ONNX fixtures were exported from (tools/fixtures/make_test_models.py), used the
    way the SDK uses the exported decoder: one positive point plus the padding point (0, 0) labelled -1, mask
    logits at the (crop) image size from the multimask decoder, candidates 1..3."""

    mask_threshold = 0.0

    def __init__(self) -> None:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
        import make_test_models as m  # noqa: E402
        self._m = m
        self._encoder = m.TinyImageEncoder().eval()
        self._decoder = m.MultimaskDecoder(m.TinyMaskDecoder()).eval()
        self._embedding = None
        self._size = (0, 0)

    def set_image(self, rgb: np.ndarray) -> None:
        _, tensor = self._m.preprocess(rgb)
        with torch.no_grad():
            self._embedding = self._encoder(torch.from_numpy(tensor))
        self._size = rgb.shape[:2]

    def predict(self, points: np.ndarray) -> Tuple[torch.Tensor, torch.Tensor]:
        h, w = self._size
        new_h, new_w = self._m.target_size(h, w)
        logits, ious = [], []
        with torch.no_grad():
            for x, y in points:
                # As the SDK maps a point: float32 pixel coordinate, times the double scale, to float32.
                fx = np.float32(float(np.float32(x)) * (new_w / w))
                fy = np.float32(float(np.float32(y)) * (new_h / h))
                coords = torch.tensor([[[fx, fy], [0.0, 0.0]]], dtype=torch.float32)
                labels = torch.tensor([[1.0, -1.0]], dtype=torch.float32)
                masks, iou, _ = self._decoder(self._embedding, coords, labels, torch.zeros(1, 1, 256, 256),
                                              torch.zeros(1), torch.tensor([h, w], dtype=torch.float32))
                logits.append(masks[0, 1:])
                ious.append(iou[0, 1:])
        return torch.stack(logits), torch.stack(ious)
