#!/usr/bin/env python3
"""Mask agreement between two folders of binary mask PNGs with the same file names (e.g. the OUT/masks of two
`skinsam evaluate --save-masks` runs, fp32 and a precision variant): per image IoU and pixel agreement, and their
mean and worst over the images both folders hold. Prints one JSON object.

  /usr/bin/python3 tools/compare_masks.py results/fp32-box/masks results/int8-qdq-box/masks
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np
from PIL import Image


def compare(reference_dir: str, other_dir: str) -> dict:
    names = sorted(set(os.listdir(reference_dir)) & set(os.listdir(other_dir)))
    names = [n for n in names if n.endswith(".png")]
    if not names:
        raise ValueError(f"Expected mask PNGs with the same names in {reference_dir} and {other_dir}; got none in common")
    ious, agreements, identical = [], [], 0
    for name in names:
        a = np.asarray(Image.open(os.path.join(reference_dir, name)).convert("L")) > 127
        b = np.asarray(Image.open(os.path.join(other_dir, name)).convert("L")) > 127
        if a.shape != b.shape:
            raise ValueError(f"Expected {name} to have one size in both folders; got {a.shape} and {b.shape}")
        union = np.logical_or(a, b).sum()
        ious.append(1.0 if union == 0 else float(np.logical_and(a, b).sum() / union))
        agreements.append(float(np.mean(a == b)))
        identical += int(np.array_equal(a, b))
    ious_a, agree_a = np.array(ious), np.array(agreements)
    return {
        "images": len(names),
        "identical": identical,
        "meanIou": round(float(ious_a.mean()), 5),
        "p5Iou": round(float(np.percentile(ious_a, 5)), 5),
        "minIou": round(float(ious_a.min()), 5),
        "meanPixelAgreement": round(float(agree_a.mean()), 6),
        "minPixelAgreement": round(float(agree_a.min()), 6),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("reference", help="folder of reference masks (fp32)")
    parser.add_argument("other", help="folder of masks to compare")
    args = parser.parse_args(argv)
    try:
        print(json.dumps(compare(args.reference, args.other)))
    except (OSError, ValueError) as error:
        print(f"compare_masks.py: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
