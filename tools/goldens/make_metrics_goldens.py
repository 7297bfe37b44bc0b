#!/usr/bin/python3
"""Golden values for SkinSam.Sdk.Metrics, computed with numpy and scipy.

Writes tests/SkinSam.Sdk.Metrics.Tests/TestData/metrics_goldens.json: mask pairs (run-length coded)
and every per-image metric the SDK computes, for real HAM10000 masks against perturbed versions
(dilated, eroded, shifted, another image's mask) and for synthetic edge cases.

Definitions (identical to the SDK, see docs/metrics.md):
- foreground: any nonzero byte.
- region metrics from TP/FP/FN/TN; a ratio whose denominator is 0 is 1 when FP = FN = 0, else 0.
- surface: mask & ~binary_erosion(mask, generate_binary_structure(2, 1), border_value=0)
  (foreground pixels with a 4-neighbour in the background or outside the image), as MedPy.
- directed distances: distance_transform_edt(~surface_other, sampling=(spacing_y, spacing_x))
  read at this mask's surface pixels.
- U = both directed sets together. HD95 = numpy.percentile(U, 95) (linear), ASSD = mean(U),
  Hausdorff = max(U). Both masks empty: 0, 0, 0. Exactly one empty: +inf for all three.

Usage: /usr/bin/python3 tools/goldens/make_metrics_goldens.py [--dataset DIR] [--out FILE]
"""
import argparse
import csv
import json
import math
import os

import numpy as np
from PIL import Image
from scipy import ndimage

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_DATASET = os.path.normpath(os.path.join(REPO, "..", "shared", "datasets", "ham10000-lowres"))
if not os.path.isdir(DEFAULT_DATASET):
    DEFAULT_DATASET = "/work/shared/datasets/ham10000-lowres"
DEFAULT_OUT = os.path.join(REPO, "tests", "SkinSam.Sdk.Metrics.Tests", "TestData", "metrics_goldens.json")

CROSS = ndimage.generate_binary_structure(2, 1)
SQUARE = ndimage.generate_binary_structure(2, 2)


def ratio(numerator, denominator, agree):
    if denominator == 0:
        return 1.0 if agree else 0.0
    return float(numerator) / float(denominator)


def surface(mask):
    return mask & ~ndimage.binary_erosion(mask, structure=CROSS, iterations=1, border_value=0)


def metrics(pred_bytes, gt_bytes, spacing_x, spacing_y):
    p = pred_bytes != 0
    g = gt_bytes != 0
    tp = int(np.count_nonzero(p & g))
    fp = int(np.count_nonzero(p & ~g))
    fn = int(np.count_nonzero(~p & g))
    tn = int(np.count_nonzero(~p & ~g))
    agree = fp == 0 and fn == 0
    out = {
        "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "pixel_accuracy": ratio(tp + tn, tp + fp + fn + tn, agree),
        "dice": ratio(2 * tp, 2 * tp + fp + fn, agree),
        "iou": ratio(tp, tp + fp + fn, agree),
        "precision": ratio(tp, tp + fp, agree),
        "sensitivity": ratio(tp, tp + fn, agree),
        "specificity": ratio(tn, tn + fp, agree),
    }
    sp, sg = surface(p), surface(g)
    if not sp.any() and not sg.any():
        hd95 = assd = hd = 0.0
    elif not sp.any() or not sg.any():
        hd95 = assd = hd = math.inf
    else:
        sampling = (spacing_y, spacing_x)
        d_pg = ndimage.distance_transform_edt(~sg, sampling=sampling)[sp]
        d_gp = ndimage.distance_transform_edt(~sp, sampling=sampling)[sg]
        u = np.concatenate([d_pg, d_gp])
        hd95 = float(np.percentile(u, 95))
        assd = float(np.mean(u))
        hd = float(np.max(u))
    out["hd95"] = hd95
    out["assd"] = assd
    out["hausdorff"] = hd
    return out


def rle(mask_bytes):
    """Flat [value, length, value, length, ...] over the row-major bytes."""
    flat = mask_bytes.reshape(-1)
    runs = []
    if flat.size == 0:
        return runs
    change = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    starts = np.concatenate([[0], change])
    ends = np.concatenate([change, [flat.size]])
    for s, e in zip(starts, ends):
        runs.extend([int(flat[s]), int(e - s)])
    return runs


def json_number(x):
    if isinstance(x, float) and math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if isinstance(x, float) and math.isnan(x):
        return "NaN"
    return x


def case(name, source, pred, gt, spacing_x=1.0, spacing_y=1.0):
    pred = np.ascontiguousarray(pred, dtype=np.uint8)
    gt = np.ascontiguousarray(gt, dtype=np.uint8)
    assert pred.shape == gt.shape and pred.ndim == 2
    expected = {k: json_number(v) for k, v in metrics(pred, gt, spacing_x, spacing_y).items()}
    return {
        "name": name,
        "source": source,
        "width": int(pred.shape[1]),
        "height": int(pred.shape[0]),
        "spacing_x": spacing_x,
        "spacing_y": spacing_y,
        "predicted": rle(pred),
        "ground_truth": rle(gt),
        "expected": expected,
    }


def shifted(mask, dx, dy):
    out = np.zeros_like(mask)
    h, w = mask.shape
    ys, yd = (slice(0, h - dy), slice(dy, h)) if dy >= 0 else (slice(-dy, h), slice(0, h + dy))
    xs, xd = (slice(0, w - dx), slice(dx, w)) if dx >= 0 else (slice(-dx, w), slice(0, w + dx))
    out[yd, xd] = mask[ys, xs]
    return out


def as_bytes(boolean):
    return boolean.astype(np.uint8) * 255


def real_cases(dataset):
    rows = list(csv.DictReader(open(os.path.join(dataset, "metadata.csv"), newline="")))
    first = {}
    for r in sorted(rows, key=lambda r: r["image_id"]):
        first.setdefault(r["dx"], r["image_id"])

    def load(image_id):
        path = os.path.join(dataset, "masks", image_id + "_segmentation.png")
        return np.asarray(Image.open(path).convert("L"))

    m = {dx: (image_id, load(image_id)) for dx, image_id in sorted(first.items())}
    cases = []

    def add(dx, label, pred, spacing=(1.0, 1.0), other=None):
        image_id, gt = m[dx]
        source = f"HAM10000 {image_id}_segmentation.png ({dx}) vs {label}"
        if other is not None:
            source += f" ({other}_segmentation.png)"
        cases.append(case(f"real_{dx}_{label.split(' ')[0]}", source, pred, gt, spacing[0], spacing[1]))

    fg = {dx: v[1] != 0 for dx, v in m.items()}
    add("akiec", "dilated 3x (4-neighbour)", as_bytes(ndimage.binary_dilation(fg["akiec"], CROSS, iterations=3)))
    add("bcc", "eroded 2x (4-neighbour)", as_bytes(ndimage.binary_erosion(fg["bcc"], CROSS, iterations=2)))
    add("bkl", "shifted by (+4, -3)", shifted(m["bkl"][1], 4, -3))
    add("df", "other-image mask", m["mel"][1], other=m["mel"][0])
    add("mel", "eroded 5x (8-neighbour)", as_bytes(ndimage.binary_erosion(fg["mel"], SQUARE, iterations=5)))
    add("nv", "shifted by (-7, +5)", shifted(m["nv"][1], -7, 5))
    add("vasc", "dilated 6x (8-neighbour)", as_bytes(ndimage.binary_dilation(fg["vasc"], SQUARE, iterations=6)))
    add("bkl", "other-image mask", m["nv"][1], other=m["nv"][0])
    add("akiec", "eroded 3x, spacing (0.5, 0.75)", as_bytes(ndimage.binary_erosion(fg["akiec"], CROSS, iterations=3)), (0.5, 0.75))
    add("bcc", "shifted by (+10, +2), spacing (0.03, 0.03)", shifted(m["bcc"][1], 10, 2), (0.03, 0.03))
    used = sorted({v[0] for v in m.values()})
    return cases, used


def synthetic_cases():
    rng = np.random.default_rng(20231127)
    cases = []

    def add(name, pred, gt, sx=1.0, sy=1.0):
        cases.append(case(name, "synthetic", pred, gt, sx, sy))

    z = np.zeros((6, 8), np.uint8)
    full = np.full((6, 8), 255, np.uint8)
    add("empty_empty", z, z)
    add("empty_full", z, full)
    add("full_empty", full, z)
    add("full_full", full, full)
    add("one_by_one_foreground", np.ones((1, 1), np.uint8), np.ones((1, 1), np.uint8))
    add("one_by_one_empty_prediction", np.zeros((1, 1), np.uint8), np.ones((1, 1), np.uint8))

    a = np.zeros((7, 7), np.uint8); a[3, 3] = 1
    b = np.zeros((7, 7), np.uint8); b[3, 3] = 200
    add("single_pixel_same", a, b)
    c = np.zeros((7, 7), np.uint8); c[1, 1] = 7
    d = np.zeros((7, 7), np.uint8); d[5, 4] = 255
    add("single_pixel_apart", c, d)
    e = np.zeros((7, 7), np.uint8); e[1:6, 2:7] = 9
    add("single_pixel_vs_block", c, e)

    far = np.zeros((150, 200), np.uint8); far[0, 0] = 255
    far2 = np.zeros((150, 200), np.uint8); far2[149, 199] = 255
    add("far_corners_200x150", far, far2)

    row = np.zeros((1, 17), np.uint8); row[0, 2:6] = 255; row[0, 11] = 3
    row2 = np.zeros((1, 17), np.uint8); row2[0, 4:13] = 1
    add("row_image_1x17", row, row2)
    col = np.zeros((13, 1), np.uint8); col[1:4, 0] = 255
    col2 = np.zeros((13, 1), np.uint8); col2[7:12, 0] = 255
    add("column_image_13x1", col, col2)

    hline = np.zeros((15, 20), np.uint8); hline[7, 2:18] = 255
    diag = np.zeros((15, 20), np.uint8)
    for i in range(15):
        diag[i, i + 2] = 255
    add("thin_horizontal_vs_diagonal", hline, diag)
    vline = np.zeros((15, 20), np.uint8); vline[:, 10] = 255
    add("thin_vertical_vs_horizontal_spacing", vline, hline, 0.4, 1.7)

    yy, xx = np.mgrid[0:29, 0:31]
    r = np.hypot(yy - 14.2, xx - 15.1)
    disk = as_bytes(r <= 10)
    ring = as_bytes((r <= 11) & (r >= 6))
    add("ring_vs_disk", ring, disk)
    ell = as_bytes(((xx - 12) / 9.0) ** 2 + ((yy - 16) / 6.0) ** 2 <= 1)
    add("ellipse_vs_disk_spacing", ell, disk, 1.25, 0.8)

    lshape = np.zeros((24, 21), np.uint8); lshape[2:22, 3:8] = 255; lshape[17:22, 3:19] = 255
    rect = np.zeros((24, 21), np.uint8); rect[4:20, 5:17] = 255
    add("l_shape_vs_rectangle", lshape, rect)

    checker = as_bytes((yy[:16, :16] + xx[:16, :16]) % 2 == 0)
    stripes = as_bytes(xx[:16, :16] % 3 == 0)
    add("checkerboard_vs_stripes", checker, stripes)

    for i, density in enumerate([0.3, 0.6]):
        p = (rng.random((23, 37)) < density) * rng.integers(1, 256, (23, 37))
        g = (rng.random((23, 37)) < density) * rng.integers(1, 256, (23, 37))
        add(f"random_noise_37x23_{i}", p.astype(np.uint8), g.astype(np.uint8))

    noise = ndimage.gaussian_filter(rng.random((48, 65)), 3.0)
    blob_p = as_bytes(noise > np.percentile(noise, 60))
    noise2 = ndimage.gaussian_filter(rng.random((48, 65)), 3.0)
    blob_g = as_bytes(noise2 > np.percentile(noise2, 55))
    add("random_blobs_65x48", blob_p, blob_g)
    add("random_blobs_65x48_spacing", blob_p, blob_g, 0.7, 1.3)

    holes = np.full((20, 20), 255, np.uint8); holes[5:8, 5:8] = 0; holes[12, 14] = 0
    add("full_with_holes_vs_full", holes, np.full((20, 20), 255, np.uint8))
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default=DEFAULT_DATASET)
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args()

    real, used = real_cases(args.dataset)
    doc = {
        "generator": "tools/goldens/make_metrics_goldens.py",
        "numpy": np.__version__,
        "scipy": __import__("scipy").__version__,
        "mask_encoding": "row-major bytes as flat run list [value, length, value, length, ...]",
        "real_masks_used": used,
        "cases": real + synthetic_cases(),
    }
    tmp = args.out + ".tmp"
    cases = doc.pop("cases")
    with open(tmp, "w") as f:
        # One case a line: readable diffs without one line per run length.
        head = json.dumps(doc, indent=1)
        f.write(head[:-2] + ',\n "cases": [\n')
        f.write(",\n".join("  " + json.dumps(c) for c in cases))
        f.write("\n ]\n}\n")
    os.replace(tmp, args.out)
    print(f"wrote {len(cases)} cases ({len(real)} real pairs from {len(used)} masks) to {args.out}")


if __name__ == "__main__":
    main()
