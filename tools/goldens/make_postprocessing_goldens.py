#!/usr/bin/python3
"""Golden files for SkinSam.Sdk post-processing tests.

Writes into tests/SkinSam.Sdk.Tests/TestData/postprocessing/:
  lowres_logits.bin           float32 LE [256, 256]: seeded low-resolution mask logits.
  upsampled_w{W}_h{H}.bin     float32 LE [H, W]: SAM postprocess_masks output (small sizes only).
  upsampled_k3_w{W}_h{H}.bin  the same for a 3-mask tensor (SAM multimask output), listed in
                              upsampled_k3.json; torch's generic kernel, bit-exact target.
  upsampled.json              per size: file (or null), sampled rows with their values, per-row and
                              per-column float64 sums of the whole output, new (pre-padding) size.
  resized_w{W}_h{H}.bin       float32 LE [H, W]: one F.interpolate of the low-resolution logits to
                              (H, W) (MedSAM's recipe), listed in resized.json.
  stability.json              SAM calculate_stability_score on stored arrays.
  masks/case{i}.bin           uint8 [H, W] 0/1 input masks, and masks.json with scipy.ndimage
                              results (fill holes, largest 4- and 8-connected component) as files,
                              plus COCO RLE counts and compressed strings from the independent
                              implementation below.

Reference libraries: Debian python3-torch (F.interpolate), numpy, scipy.ndimage. pycocotools is
not installed, so COCO RLE is re-implemented here from the documented algorithm of maskApi.c
(rleEncode, rleToString): column-major runs starting with background, and the 6-bits-per-character
LEB128-like string in which counts after the third are stored as differences to the count two
places before.

Run: /usr/bin/python3 tools/goldens/make_postprocessing_goldens.py
"""

import json
import os

import numpy as np
import scipy.ndimage as ndi
import torch
import torch.nn.functional as F

torch.set_num_threads(2)

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "tests", "SkinSam.Sdk.Tests", "TestData", "postprocessing")
ENCODER_SIZE = 1024
FULL_OUTPUT_LIMIT = 100_000  # outputs with more pixels are stored as samples and sums
SAMPLED_ROWS = 12


def low_res_logits(seed: int) -> np.ndarray:
    """Smooth blobs plus pixel noise, about -25..25 like real SAM low-resolution logits."""
    rng = np.random.default_rng(seed)
    coarse = rng.standard_normal((16, 16)) * 10.0
    smooth = ndi.zoom(coarse, 16, order=3)
    yy, xx = np.mgrid[0:256, 0:256]
    blob = 12.0 - np.hypot(yy - 120.0, xx - 140.0) / 6.0
    noise = rng.standard_normal((256, 256)) * 1.5
    return (smooth + blob + noise).astype(np.float32)


def preprocess_shape(h: int, w: int) -> tuple:
    """segment_anything ResizeLongestSide.get_preprocess_shape."""
    scale = ENCODER_SIZE * 1.0 / max(h, w)
    return int(h * scale + 0.5), int(w * scale + 0.5)


def postprocess_masks(low: np.ndarray, h: int, w: int, masks: int = 1) -> np.ndarray:
    """segment_anything Sam.postprocess_masks; returns mask 0 of `masks` copies of `low`.

    torch 1.13 runs a [1, 1, H, W] tensor through its channels-last kernel (a single channel is
    contiguous in both layouts) and [1, K >= 2, H, W] through the generic kernel; the two round
    differently in the last bit. SAM's multimask output (K = 3) takes the generic kernel.
    """
    t = torch.from_numpy(np.stack([low] * masks))[None]
    t = F.interpolate(t, (ENCODER_SIZE, ENCODER_SIZE), mode="bilinear", align_corners=False)
    new_h, new_w = preprocess_shape(h, w)
    t = t[..., :new_h, :new_w]
    t = F.interpolate(t, (h, w), mode="bilinear", align_corners=False)
    return t[0, 0].numpy().astype(np.float32)


def stability_score(logits: np.ndarray, threshold: float, offset: float) -> float:
    """segment_anything.utils.amg.calculate_stability_score for one mask."""
    masks = torch.from_numpy(np.ascontiguousarray(logits))[None]
    inter = (masks > (threshold + offset)).sum(-1, dtype=torch.int16).sum(-1, dtype=torch.int32)
    union = (masks > (threshold - offset)).sum(-1, dtype=torch.int16).sum(-1, dtype=torch.int32)
    return float((inter / union)[0])


def rle_counts(mask: np.ndarray) -> list:
    """COCO rleEncode: runs over the column-major pixels, the first run counts zeros."""
    flat = mask.T.reshape(-1)  # column-major
    counts = []
    previous = 0
    run = 0
    for v in flat:
        v = int(v != 0)
        if v != previous:
            counts.append(run)
            run = 0
            previous = v
        run += 1
    counts.append(run)
    return counts


def rle_to_string(counts: list) -> str:
    """COCO rleToString: 5 data bits per char, 0x20 = more, sign from bit 0x10, offset 48."""
    out = []
    for i, c in enumerate(counts):
        x = c - counts[i - 2] if i > 2 else c
        more = True
        while more:
            ch = x & 0x1F
            x >>= 5  # arithmetic shift, as C's >> on a negative long
            more = (x != -1) if (ch & 0x10) else (x != 0)
            if more:
                ch |= 0x20
            out.append(chr(ch + 48))
    return "".join(out)


def rle_from_string(s: str) -> list:
    """COCO rleFrString, to check rle_to_string here."""
    counts = []
    p = 0
    while p < len(s):
        x = 0
        k = 0
        more = True
        while more:
            c = ord(s[p]) - 48
            x |= (c & 0x1F) << (5 * k)
            more = c & 0x20
            p += 1
            k += 1
            if not more and (c & 0x10):
                x |= -1 << (5 * k)
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    return counts


def largest_component(mask: np.ndarray, structure: np.ndarray) -> np.ndarray:
    labels, n = ndi.label(mask, structure=structure)
    if n == 0:
        return np.zeros_like(mask)
    sizes = np.bincount(labels.ravel())[1:]
    best = int(np.argmax(sizes)) + 1  # ties: the lowest label, i.e. first met in raster order
    return (labels == best).astype(np.uint8)


def mask_cases() -> list:
    rng = np.random.default_rng(20260127)
    cases = []
    # Blobs with holes from thresholded smooth noise, several sizes.
    for (h, w, seed) in [(48, 64, 1), (37, 23, 2), (64, 64, 3), (15, 40, 4), (50, 31, 5)]:
        r = np.random.default_rng(seed)
        field = ndi.gaussian_filter(r.standard_normal((h, w)), 2.0)
        cases.append((field > 0.05).astype(np.uint8))
    # Ring with a hole, a hole touching the border (stays open), diagonal-only contacts.
    ring = np.zeros((20, 24), np.uint8)
    ring[3:15, 4:18] = 1
    ring[6:11, 8:13] = 0
    ring[0:4, 20:24] = 1
    ring[1:3, 21:23] = 0
    ring[17:20, 0:5] = 1
    ring[18:20, 1:3] = 0  # open at the bottom border: not a hole
    cases.append(ring)
    diag = np.zeros((9, 9), np.uint8)
    for i in range(9):
        diag[i, i] = 1
    diag[0:3, 6:9] = 1
    cases.append(diag)
    # Hole that is closed only through diagonal foreground contacts (4-connected background escapes? no).
    diamond = np.zeros((7, 7), np.uint8)
    diamond[1, 3] = diamond[2, 2] = diamond[2, 4] = diamond[3, 1] = diamond[3, 5] = 1
    diamond[4, 2] = diamond[4, 4] = diamond[5, 3] = 1
    cases.append(diamond)
    # Edge cases.
    cases.append(np.zeros((5, 7), np.uint8))
    cases.append(np.ones((6, 4), np.uint8))
    cases.append(np.ones((1, 1), np.uint8))
    cases.append((rng.random((1, 33)) > 0.5).astype(np.uint8))
    cases.append((rng.random((29, 1)) > 0.5).astype(np.uint8))
    cases.append((rng.random((40, 40)) > 0.45).astype(np.uint8))  # many small components
    return cases


def write_f32(path: str, a: np.ndarray) -> None:
    np.ascontiguousarray(a, dtype="<f4").tofile(path)


def main() -> None:
    os.makedirs(os.path.join(OUT, "masks"), exist_ok=True)

    low = low_res_logits(7)
    write_f32(os.path.join(OUT, "lowres_logits.bin"), low)

    sizes = [(200, 150), (150, 200), (600, 450), (7, 5), (1024, 1024), (1023, 767), (333, 251)]
    upsampled = []
    outputs = {}
    for (w, h) in sizes:
        out = postprocess_masks(low, h, w)
        outputs[(w, h)] = out
        new_h, new_w = preprocess_shape(h, w)
        entry = {
            "width": w,
            "height": h,
            "resizedWidth": new_w,
            "resizedHeight": new_h,
            "rowSums": [float(v) for v in out.astype(np.float64).sum(axis=1)],
            "columnSums": [float(v) for v in out.astype(np.float64).sum(axis=0)],
        }
        if w * h <= FULL_OUTPUT_LIMIT:
            name = f"upsampled_w{w}_h{h}.bin"
            write_f32(os.path.join(OUT, name), out)
            entry["file"] = name
            entry["sampledRows"] = []
        else:
            rows = sorted(set(int(round(v)) for v in np.linspace(0, h - 1, SAMPLED_ROWS)))
            entry["file"] = None
            entry["sampledRows"] = [{"row": r, "values": [float(v) for v in out[r]]} for r in rows]
        upsampled.append(entry)
    with open(os.path.join(OUT, "upsampled.json"), "w") as f:
        json.dump({"lowResolutionFile": "lowres_logits.bin", "outputs": upsampled}, f)

    # Multimask (K = 3) outputs, for the bit-exact comparison of the SDK's two-step path.
    multimask = []
    for (w, h) in [(200, 150), (150, 200), (7, 5)]:
        name = f"upsampled_k3_w{w}_h{h}.bin"
        write_f32(os.path.join(OUT, name), postprocess_masks(low, h, w, masks=3))
        multimask.append({"width": w, "height": h, "file": name})
    with open(os.path.join(OUT, "upsampled_k3.json"), "w") as f:
        json.dump(multimask, f, indent=1)

    # MedSAM profile: one direct bilinear resize of the low-resolution logits to the original size.
    resized = []
    for (w, h) in [(200, 150), (7, 5), (333, 251)]:
        t = F.interpolate(torch.from_numpy(low)[None, None], (h, w), mode="bilinear", align_corners=False)
        name = f"resized_w{w}_h{h}.bin"
        write_f32(os.path.join(OUT, name), t[0, 0].numpy())
        resized.append({"width": w, "height": h, "file": name})
    with open(os.path.join(OUT, "resized.json"), "w") as f:
        json.dump(resized, f, indent=1)

    stability = []
    for source, arr in [("lowres_logits.bin", low), ("upsampled_w200_h150.bin", outputs[(200, 150)])]:
        for (t, o) in [(0.0, 1.0), (0.0, 0.5), (1.5, 2.0), (-3.0, 1.0), (0.0, 0.0), (40.0, 1.0)]:
            score = stability_score(arr, t, o)
            # torch divides 0 by 0 for an empty union and gets NaN; JSON has no NaN, so it is null here
            # (the SDK returns 0 there and says so).
            stability.append({"file": source, "threshold": t, "offset": o, "score": None if np.isnan(score) else score})
    with open(os.path.join(OUT, "stability.json"), "w") as f:
        json.dump(stability, f, indent=1)

    four = ndi.generate_binary_structure(2, 1)
    eight = ndi.generate_binary_structure(2, 2)
    masks = []
    for i, m in enumerate(mask_cases()):
        h, w = m.shape
        filled = ndi.binary_fill_holes(m).astype(np.uint8)  # default structure: 4-connected background
        lc4 = largest_component(m, four)
        lc8 = largest_component(m, eight)
        names = {}
        for key, arr in [("input", m), ("filled", filled), ("largest4", lc4), ("largest8", lc8)]:
            names[key] = f"case{i}_{key}.bin"
            np.ascontiguousarray(arr, dtype=np.uint8).tofile(os.path.join(OUT, "masks", names[key]))
        counts = rle_counts(m)
        s = rle_to_string(counts)
        assert rle_from_string(s) == counts
        assert sum(counts) == h * w
        masks.append({"width": w, "height": h, **names, "rleCounts": counts, "rleString": s})
    with open(os.path.join(OUT, "masks.json"), "w") as f:
        json.dump(masks, f, indent=1)


if __name__ == "__main__":
    main()
