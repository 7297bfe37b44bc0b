#!/usr/bin/python3
"""SAM 2.1 image mode on the project's PyTorch modules, as the reference for the SDK's "sam2" family, and the
committed tiny fixture it runs on.

Writes (both emptied first):
  models/test-fixtures/sam2-tiny/     encoder.onnx, decoder.onnx, model.json: tools/sam2 `sam2_tiny` with seed 7
                                      (random weights rounded to float16 values), exported by tools/sam2/exporting.py
                                      with every weight stored as float16 (exact for such weights), without constant
                                      folding and with short intermediate value names (all three keep the files small,
                                      under 1 MB). The SDK contract of docs/models.md, "SAM 2.1".
  tests/SkinSam.Sdk.Tests/TestData/sam2/
    manifest.json                     library versions, the command, the model.
    goldens.json                      per image and prompt, what SAM2ImagePredictor does (tools/sam2/predictor.py):
      images[]: {"id", "source": {"rgbFile": path relative to the repository} | {"synthetic": {width, height, seed}}
                 (tests/SkinSam.Sdk.Tests/Preprocessing/SyntheticImage.cs), "width", "height",
                 "preprocessed": TensorSummary of the [1,3,1024,1024] encoder input plus "rowsFile" (relative to
                   tests/SkinSam.Sdk.Tests/TestData/; float32 LE,
                   channels x rows [0, 511, 1023] x 1024 values, in that order),
                 "features": {name: TensorSummary} for high_res_feats_0, high_res_feats_1, image_embed,
                 "prompts": [{"name", "points": [[x, y], ...] | null, "labels": [...] | null, "box": [x0,y0,x1,y1] | null,
                              "maskInputFrom": name of the prompt whose single-mask low-res logits are the mask prompt | null,
                              "pointCoords1024", "pointLabels": the decoder's sequence (box corners, clicks, padding),
                              "allIou": the 4 tokens' IoUs, "token0Stability",
                              "multimask": Decode, "singleMask": Decode}]}
      Decode = {"tokens": chosen token indices, "iou": [...], "masks": [MaskResult per chosen mask]}
      MaskResult = {"width", "height", "area", "rle": row-major run lengths starting with background, and
                    "nearThreshold": flat indices (y * width + x) where |logit| < 1e-3 (an SDK may differ there) -- these
                    two for ISIC_0031023 only; "nearThresholdCount", "logitSum": float64 sum of the full-size logits,
                    "lowRes": LowResSummary of the chosen 256 x 256 logits clamped to [-32, 32] as
                    SAM2ImagePredictor returns them}
      With these random weights token 0's stability is 0.5..0.75 everywhere, so every single-mask decode takes the
      fallback (best IoU among tokens 1..3); the token-0 branch is covered by tools/tests/test_sam2_onnx_tiny.py.
      TensorSummary = {"shape", "sum", "sumAbs" (float64), "samples": [[c, y, x, value], ...]}
      LowResSummary = {"sum", "sumAbs", "samples": [[x, y, value], ...]}

Run from the repository root (Debian 12: python3-torch 1.13, python3-onnx, python3-numpy):
    /usr/bin/python3 tools/goldens/sam2_reference.py
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tools" / "goldens"))

import onnx  # noqa: E402,F401  (before torch: tools/tests/test_import_order.py)
import numpy as np  # noqa: E402
import torch  # noqa: E402

from sam2 import build_sam2  # noqa: E402
from sam2.exporting import Sam2ExportOptions, export_sam2_folder  # noqa: E402
from sam2.model import round_to_fp16_  # noqa: E402
from sam2.mask_decoder import stability_scores  # noqa: E402
from sam2.predictor import decode, preprocess, prompt_sequence  # noqa: E402

torch.set_num_threads(2)

MODEL_TYPE = "sam2_tiny"
SEED = 7
FIXTURE = ROOT / "models" / "test-fixtures" / "sam2-tiny"
OUT = ROOT / "tests" / "SkinSam.Sdk.Tests" / "TestData" / "sam2"
NEAR = 1e-3
ROWS = (0, 511, 1023)


def fixture_model():
    """sam2_tiny, seed 7, weights rounded to float16 values (stored exactly by the fp16 export)."""
    return round_to_fp16_(build_sam2(MODEL_TYPE, seed=SEED))


def fixture_options() -> Sam2ExportOptions:
    return Sam2ExportOptions(
        name="sam2-tiny", license="CC0-1.0", constant_folding=False, fp16=True, validate_fp16=False, compact=True,
        provenance=f"Random weights (seed {SEED}, rounded to float16 values, stored as float16: exact) of tools/sam2 "
                   f"{MODEL_TYPE} (tiny SAM 2.1 test architecture), written by tools/goldens/sam2_reference.py. "
                   f"Test fixture, not a trained model.")


def synthetic_image(width: int, height: int, seed: int) -> np.ndarray:
    """tests/SkinSam.Sdk.Tests/Preprocessing/SyntheticImage.cs (same as make_preprocessing_goldens.synthetic_image)."""
    from make_preprocessing_goldens import synthetic_image as formula

    return formula(width, height, seed)


def images() -> list:
    rgb_file = "models/test-fixtures/expected/ISIC_0031023.rgb24"
    found = [{"id": "ISIC_0031023", "source": {"rgbFile": rgb_file},
              "rgb": np.fromfile(ROOT / rgb_file, dtype=np.uint8).reshape(150, 200, 3)}]
    # downscaled in both axes (the antialiased resize matters) and a portrait upscale
    for w, h, seed in ((1500, 1125, 21), (333, 500, 22)):
        found.append({"id": f"synthetic-{w}x{h}", "source": {"synthetic": {"width": w, "height": h, "seed": seed}},
                      "rgb": synthetic_image(w, h, seed)})
    return found


def prompts_for(w: int, h: int) -> list:
    click = [[w // 2, h // 2], [w // 5, h // 4]]
    box = [w // 4, h // 4, (3 * w) // 4, (3 * h) // 4]
    return [
        {"name": "points", "points": click, "labels": [1, 0], "box": None, "maskInputFrom": None},
        {"name": "box", "points": None, "labels": None, "box": box, "maskInputFrom": None},
        {"name": "points+box", "points": [[w // 2, h // 2]], "labels": [1], "box": box, "maskInputFrom": None},
        {"name": "points+mask", "points": click, "labels": [1, 0], "box": None, "maskInputFrom": "points"},
        {"name": "mask", "points": None, "labels": None, "box": None, "maskInputFrom": "points"},
    ]


def _f(x) -> float:
    return float(np.float32(x))


def rle(mask: np.ndarray) -> list:
    flat = mask.reshape(-1).astype(np.int8)
    change = np.flatnonzero(np.diff(flat)) + 1
    runs = np.diff(np.concatenate([[0], change, [flat.size]])).tolist()
    return ([0] + runs) if flat.size and flat[0] == 1 else runs


def tensor_summary(t: np.ndarray, rng: np.random.Generator) -> dict:
    _, c, h, w = t.shape
    picks = [(int(rng.integers(0, c)), int(rng.integers(0, h)), int(rng.integers(0, w))) for _ in range(24)]
    return {"shape": list(t.shape), "sum": float(t.astype(np.float64).sum()),
            "sumAbs": float(np.abs(t.astype(np.float64)).sum()),
            "samples": [[ci, y, x, _f(t[0, ci, y, x])] for ci, y, x in picks]}


def low_res_summary(low: np.ndarray, rng: np.random.Generator) -> dict:
    picks = [(int(rng.integers(0, 256)), int(rng.integers(0, 256))) for _ in range(24)]
    return {"sum": float(low.astype(np.float64).sum()), "sumAbs": float(np.abs(low.astype(np.float64)).sum()),
            "samples": [[x, y, _f(low[y, x])] for x, y in picks]}


def mask_result(logits: np.ndarray, low: np.ndarray, rng: np.random.Generator, whole: bool) -> dict:
    h, w = logits.shape
    seg = logits > 0.0
    near = np.flatnonzero(np.abs(logits.reshape(-1).astype(np.float64)) < NEAR)
    result = {"width": w, "height": h, "area": int(seg.sum())}
    if whole:
        result.update(rle=rle(seg), nearThreshold=near.tolist())
    result.update(nearThresholdCount=int(near.size), logitSum=float(logits.astype(np.float64).sum()),
                  lowRes=low_res_summary(low, rng))
    return result


def decode_result(prediction, multimask: bool, rng: np.random.Generator, whole: bool) -> dict:
    all_iou = prediction.all_iou[0].numpy()
    iou = prediction.iou[0].numpy()
    if multimask:
        tokens = [1, 2, 3]
    else:
        # which token select_masks took: token 0's logits, or the best of 1..3
        same0 = torch.equal(prediction.low_res[0, 0], prediction.all_low_res[0, 0].clamp(-32, 32))
        tokens = [0 if same0 and iou[0] == all_iou[0] else int(np.argmax(all_iou[1:]) + 1)]
    return {"tokens": tokens, "iou": [_f(v) for v in iou],
            "masks": [mask_result(prediction.masks_logits[0, k].numpy(), prediction.low_res[0, k].numpy(), rng, whole)
                      for k in range(iou.shape[0])]}


def main() -> int:
    model = fixture_model()
    if FIXTURE.exists():
        shutil.rmtree(FIXTURE)
    export_sam2_folder(model, str(FIXTURE), fixture_options())
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    rng = np.random.default_rng(2026)
    out_images = []
    for image in images():
        rgb = image["rgb"]
        h, w = rgb.shape[:2]
        x = preprocess(rgb)
        rows_file = f"{image['id']}_preprocessed_rows.f32"
        x.numpy()[0][:, list(ROWS), :].astype("<f4").tofile(OUT / rows_file)
        with torch.no_grad():
            features = model.image_features(x)
        entry = {"id": image["id"], "source": image["source"], "width": w, "height": h,
                 "preprocessed": dict(tensor_summary(x.numpy(), rng), rowsFile=f"sam2/{rows_file}", rows=list(ROWS)),
                 "features": {name: tensor_summary(t.numpy(), rng) for name, t in
                              zip(("image_embed", "high_res_feats_0", "high_res_feats_1"), features)},
                 "prompts": []}
        single_low = {}
        whole = image["id"] == "ISIC_0031023"  # whole masks (RLE) for the small image only: keeps the file small
        for prompt in prompts_for(w, h):
            coords, labels = prompt_sequence(prompt["points"], prompt["labels"], prompt["box"], (h, w))
            mask_input = single_low[prompt["maskInputFrom"]] if prompt["maskInputFrom"] else None
            multi = decode(model, features, coords, labels, mask_input, (h, w), multimask_output=True)
            single = decode(model, features, coords, labels, mask_input, (h, w), multimask_output=False)
            single_low[prompt["name"]] = single.low_res.numpy()
            entry["prompts"].append(dict(
                prompt, pointCoords1024=[[_f(a), _f(b)] for a, b in coords[0]],
                pointLabels=[_f(v) for v in labels[0]], allIou=[_f(v) for v in multi.all_iou[0].numpy()],
                token0Stability=_f(stability_scores(multi.all_low_res[:, 0:1], 0.05)[0, 0]),
                multimask=decode_result(multi, True, rng, whole), singleMask=decode_result(single, False, rng, whole)))
        out_images.append(entry)
    goldens = {"schemaVersion": 1, "model": "models/test-fixtures/sam2-tiny", "maskThreshold": 0.0,
               "stability": {"delta": 0.05, "threshold": 0.98}, "lowResClamp": 32.0, "images": out_images}
    with open(OUT / "goldens.json", "w", encoding="utf-8") as handle:
        json.dump(goldens, handle, separators=(",", ":"))
        handle.write("\n")
    manifest = {"generator": "tools/goldens/sam2_reference.py", "command": "/usr/bin/python3 tools/goldens/sam2_reference.py",
                "torch": torch.__version__, "numpy": np.__version__, "onnx": onnx.__version__,
                "model": {"type": MODEL_TYPE, "seed": SEED, "folder": "models/test-fixtures/sam2-tiny"}}
    with open(OUT / "manifest.json", "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=2)
        handle.write("\n")
    print(f"wrote {FIXTURE} and {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
