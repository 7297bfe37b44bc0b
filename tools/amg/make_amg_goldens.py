#!/usr/bin/python3
"""Write the automatic-mask-generator goldens: tools/amg/reference_amg.py on the sam-tiny fixture's PyTorch modules,
for the two golden images of models/test-fixtures/expected, into models/test-fixtures/expected/amg/*.json.

Run from the repository root: /usr/bin/python3 tools/amg/make_amg_goldens.py
The random-weight fixture predicts IoUs of about 0.4 to 0.65 and stabilities of about 0.4 to 0.6, so the published
defaults (0.88, 0.95) keep no mask on it; the golden cases lower those two thresholds (and shrink the grid so the C#
test stays fast) and keep every other parameter at its default, except where a case exercises crops or the
small-region pass.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import onnx  # noqa: F401  (onnx before torch: see tools/tests/test_import_order.py)
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import reference_amg as amg  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = ROOT / "models" / "test-fixtures" / "expected"

IMAGES = [("ISIC_0031023.rgb24", 200, 150), ("synthetic-300x220.rgb24", 300, 220)]

CASES = {
    "grid8": amg.AmgParams(points_per_side=8, pred_iou_thresh=0.45, stability_score_thresh=0.45),
    "crops-small-regions": amg.AmgParams(points_per_side=8, crop_n_layers=1, crop_n_points_downscale_factor=2,
                                         pred_iou_thresh=0.4, stability_score_thresh=0.4, min_mask_region_area=30),
    "grid16-batch48": amg.AmgParams(points_per_side=16, points_per_batch=48, pred_iou_thresh=0.5,
                                    stability_score_thresh=0.5, box_nms_thresh=0.5),
}


def coco_counts(mask: np.ndarray) -> list:
    """COCO uncompressed RLE counts: column-major runs, starting with a (possibly empty) run of 0."""
    flat = mask.T.reshape(-1).astype(np.uint8)
    changes = np.flatnonzero(np.diff(np.concatenate([[0], flat, [1 - flat[-1]]])))
    runs = np.diff(np.concatenate([[0], changes])).tolist()
    return [int(r) for r in runs]


def main() -> None:
    out_dir = EXPECTED / "amg"
    out_dir.mkdir(exist_ok=True)
    predictor = amg.FixturePredictor()
    only = set(sys.argv[1:])
    for case, params in CASES.items():
        if only and case not in only:
            continue
        for file, w, h in IMAGES:
            image = np.fromfile(EXPECTED / file, dtype=np.uint8).reshape(h, w, 3)
            records = amg.generate(predictor, image, params)
            masks = []
            for r in records:
                counts = coco_counts(r["mask"])
                assert sum(counts) == w * h
                masks.append({
                    "segmentation": {"size": [h, w], "counts": counts},
                    "area": r["area"], "bbox": r["bbox"], "predicted_iou": r["predicted_iou"],
                    "point_coords": r["point_coords"], "stability_score": r["stability_score"],
                    "crop_box": r["crop_box"],
                })
            doc = {"model": "sam-tiny", "image": file, "width": w, "height": h, "case": case,
                   "params": asdict(params), "generator": "tools/amg/reference_amg.py (PyTorch fixture modules)",
                   "masks": masks}
            name = f"{case}.{file.split('.')[0]}.json"
            (out_dir / name).write_text(json.dumps(doc, separators=(",", ":")) + "\n")
            print(f"{name}: {len(masks)} masks")


if __name__ == "__main__":
    main()
