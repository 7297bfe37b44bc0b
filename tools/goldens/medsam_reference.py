#!/usr/bin/python3
"""MedSAM's published inference, as a reference for the SDK's "medsam" profile, and the goldens made with it.

The reference follows MedSAM's `MedSAM_Inference.py` (bowang-lab/MedSAM, `medsam_inference` and its caller)
statement by statement:

    img_1024 = transform.resize(img_3c, (1024, 1024), order=3, preserve_range=True, anti_aliasing=True).astype(np.uint8)
    img_1024 = (img_1024 - img_1024.min()) / np.clip(img_1024.max() - img_1024.min(), a_min=1e-8, a_max=None)
    img_1024_tensor = torch.tensor(img_1024).float().permute(2, 0, 1).unsqueeze(0)
    box_1024 = box_np / np.array([W, H, W, H]) * 1024
    image_embedding = medsam_model.image_encoder(img_1024_tensor)
    sparse, dense = medsam_model.prompt_encoder(points=None, boxes=box_torch[:, None, :], masks=None)
    low_res_logits, _ = medsam_model.mask_decoder(image_embeddings=..., image_pe=prompt_encoder.get_dense_pe(),
                                                  sparse_prompt_embeddings=sparse, dense_prompt_embeddings=dense,
                                                  multimask_output=False)
    low_res_pred = torch.sigmoid(low_res_logits)
    low_res_pred = F.interpolate(low_res_pred, size=(H, W), mode="bilinear", align_corners=False)
    medsam_seg = (low_res_pred.squeeze().cpu().numpy() > 0.5).astype(np.uint8)

Models it runs (`medsam_inference` takes any object with `image_encoder`, `prompt_encoder`, `mask_decoder` of
that interface):
- the committed tiny fixture `models/test-fixtures/sam-tiny` (PyTorch modules of tools/fixtures/make_test_models.py,
  seeded; its decoder takes the ONNX-style inputs, so `TinyFixtureModel` adapts it: the box becomes two corner
  points labelled 2 and 3 with no padding point, no mask input, and `multimask_output=False` is mask 0, exactly
  what `SamPromptEncoder` and the SDK feed);
- the project's own PyTorch SAM v1 (tools/sam) with `--sam-model tiny|vit_b` and `--checkpoint medsam_vit_b.pth`
  or `--seed N` (random weights), which writes that model's 256 x 256 low-res logits next to the goldens so the
  SDK's MedSAM postprocessing is checked on them too.

Writes tests/SkinSam.Sdk.Tests/TestData/medsam/ (emptied first):
  manifest.json        library versions, the command, the sizes.
  decode.json          whole decode path on sam-tiny under the MedSAM profile: per image (raw RGB24 files of
                       models/test-fixtures/expected, and SyntheticImage.cs images at 600x450, 1024x768, 333x500,
                       1500x1125) and per box (several boxes per image: the SDK decodes them as one DecodeBatch):
                       MaskResult of MedSAM's mask, the box fed in the 1024 frame, iou of mask 0 and a summary of
                       mask 0's low-res logits.
  postprocessing.json  MedSAM's postprocessing alone (sigmoid, one F.interpolate, > 0.5) on stored 256 x 256
                       logits at the four sizes: the seeded logits of postprocessing/lowres_logits.bin
                       (-25..25, SAM-sized) and the same times 2 (exact in float32, the magnitudes of trained
                       ViT-B fine-tunes), plus any medsam/<model>_*.f32 logits written with --sam-model
                       ("logitsFile" is relative to TestData/; "scale" multiplies the float32 logits).
  MaskResult = {"width", "height", "area", "rle": row-major run lengths starting with background,
                "nearThreshold": flat indices (y * width + x) where |p - 0.5| < 1e-3 (where an SDK may differ),
                "probabilitySum": float64 sum of p, "probabilitySamples": [[x, y, p], ...],
                "stabilityLow": count(p > sigmoid(-1)), "stabilityHigh": count(p > sigmoid(1)),
                "nearStabilityLow", "nearStabilityHigh": counts of p within 1e-3 of those thresholds}

Run from the repository root (Debian 12: python3-torch 1.13, python3-skimage 0.19, python3-scipy, python3-onnx):
    /usr/bin/python3 tools/goldens/medsam_reference.py
    /usr/bin/python3 tools/goldens/medsam_reference.py --sam-model vit_b --checkpoint medsam_vit_b.pth   # real ViT-B
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tools" / "fixtures"))

import onnx  # noqa: E402,F401  (before torch: tools/tests/test_import_order.py)
import numpy as np  # noqa: E402
import scipy  # noqa: E402
import skimage  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from skimage import transform  # noqa: E402

torch.set_num_threads(2)

OUT = ROOT / "tests" / "SkinSam.Sdk.Tests" / "TestData" / "medsam"
EXPECTED = ROOT / "models" / "test-fixtures" / "expected"
TEST_DATA = ROOT / "tests" / "SkinSam.Sdk.Tests" / "TestData"
LOGITS = "postprocessing/lowres_logits.bin"  # relative to TEST_DATA
SIZES = ((600, 450), (1024, 768), (333, 500), (1500, 1125))  # (width, height)
NEAR = 1e-3


# ------------------------------------------------------------------------------------------------
# MedSAM_Inference.py
# ------------------------------------------------------------------------------------------------

def medsam_preprocess(img_np: np.ndarray) -> torch.Tensor:
    """The image part of MedSAM_Inference.py: stretch to 1024 x 1024, uint8, min-max to 0..1, NCHW float32."""
    if len(img_np.shape) == 2:
        img_3c = np.repeat(img_np[:, :, None], 3, axis=-1)
    else:
        img_3c = img_np
    img_1024 = transform.resize(img_3c, (1024, 1024), order=3, preserve_range=True, anti_aliasing=True).astype(np.uint8)
    img_1024 = (img_1024 - img_1024.min()) / np.clip(img_1024.max() - img_1024.min(), a_min=1e-8, a_max=None)
    return torch.tensor(img_1024).float().permute(2, 0, 1).unsqueeze(0)


def medsam_box_1024(box_np: np.ndarray, h: int, w: int) -> np.ndarray:
    """box_np [[x0, y0, x1, y1]] in original pixels -> MedSAM's 1024 frame (float64, as the script)."""
    return box_np / np.array([w, h, w, h]) * 1024


@torch.no_grad()
def medsam_low_res_logits(medsam_model, img_embed: torch.Tensor, box_1024: np.ndarray):
    """medsam_inference up to the decoder: (low_res_logits [1,1,256,256], iou_predictions [1,1])."""
    box_torch = torch.as_tensor(box_1024, dtype=torch.float, device=img_embed.device)
    if len(box_torch.shape) == 2:
        box_torch = box_torch[:, None, :]  # (B, 1, 4)
    sparse_embeddings, dense_embeddings = medsam_model.prompt_encoder(points=None, boxes=box_torch, masks=None)
    low_res_logits, iou = medsam_model.mask_decoder(
        image_embeddings=img_embed,
        image_pe=medsam_model.prompt_encoder.get_dense_pe(),
        sparse_prompt_embeddings=sparse_embeddings,
        dense_prompt_embeddings=dense_embeddings,
        multimask_output=False,
    )
    return low_res_logits, iou


@torch.no_grad()
def medsam_postprocess(low_res_logits: torch.Tensor, h: int, w: int):
    """The rest of medsam_inference: sigmoid, ONE bilinear resize of the probabilities to (H, W), > 0.5.
    Returns (probabilities float32 [h, w], mask uint8 [h, w])."""
    low_res_pred = torch.sigmoid(low_res_logits)  # (1, 1, 256, 256)
    low_res_pred = F.interpolate(low_res_pred, size=(h, w), mode="bilinear", align_corners=False)  # (1, 1, H, W)
    low_res_pred = low_res_pred.squeeze().cpu().numpy()  # (H, W)
    medsam_seg = (low_res_pred > 0.5).astype(np.uint8)
    return low_res_pred.reshape(h, w), medsam_seg.reshape(h, w)


@torch.no_grad()
def medsam_inference(medsam_model, img_np: np.ndarray, box_np: np.ndarray):
    """The whole script for one box: (probabilities, mask, low-res logits [256,256], iou, box_1024 float32)."""
    h, w = img_np.shape[:2]
    embedding = medsam_model.image_encoder(medsam_preprocess(img_np))
    box_1024 = medsam_box_1024(box_np, h, w)
    low, iou = medsam_low_res_logits(medsam_model, embedding, box_1024)
    p, seg = medsam_postprocess(low, h, w)
    return p, seg, low[0, 0].numpy(), float(iou.reshape(-1)[0]), box_1024.astype(np.float32).reshape(-1)


# ------------------------------------------------------------------------------------------------
# Models
# ------------------------------------------------------------------------------------------------

class _TinyPromptEncoder:
    """SAM's prompt encoder interface over the fixture decoder's ONNX-style inputs: a box [B,1,4] becomes two corner
    points labelled 2 and 3 (no padding point: SAM adds one only without a box); masks=None means no mask input."""

    def __call__(self, points, boxes, masks):
        assert points is None and masks is None, "MedSAM's inference passes a box only"
        coords = boxes.reshape(1, 2, 2)
        labels = torch.tensor([[2.0, 3.0]])
        return (coords, labels), None

    @staticmethod
    def get_dense_pe():
        return None


class _TinyMaskDecoder:
    def __init__(self, decoder) -> None:
        self.decoder = decoder

    def __call__(self, image_embeddings, image_pe, sparse_prompt_embeddings, dense_prompt_embeddings, multimask_output):
        coords, labels = sparse_prompt_embeddings
        mask_input = torch.zeros(1, 1, 256, 256)
        iou, low = self.decoder(image_embeddings, coords, labels, mask_input, torch.zeros(1))
        if not multimask_output:  # SAM's MaskDecoder: mask 0 is the single-mask output
            return low[:, 0:1], iou[:, 0:1]
        return low[:, 1:], iou[:, 1:]


class TinyFixtureModel:
    """The committed sam-tiny fixture (encoder.onnx / decoder.onnx are exports of these PyTorch modules)."""

    def __init__(self) -> None:
        import make_test_models as fixtures

        self.image_encoder = fixtures.TinyImageEncoder().eval()
        self.prompt_encoder = _TinyPromptEncoder()
        self.mask_decoder = _TinyMaskDecoder(fixtures.TinyMaskDecoder().eval())


def build_project_sam(model_type: str, checkpoint: str | None, seed: int | None):
    """The project's PyTorch SAM v1 (tools/sam): MedSAM weights load into it with strict=True."""
    from sam import build_sam

    return build_sam(model_type, checkpoint=checkpoint, seed=seed)


# ------------------------------------------------------------------------------------------------
# Inputs
# ------------------------------------------------------------------------------------------------

def synthetic_image(width: int, height: int, seed: int) -> np.ndarray:
    """tests/SkinSam.Sdk.Tests/Preprocessing/SyntheticImage.cs (and make_preprocessing_goldens.synthetic_image)."""
    y, x = np.mgrid[0:height, 0:width].astype(np.uint64)
    out = np.empty((height, width, 3), dtype=np.uint8)
    m = np.uint64(0xFFFFFFFF)
    for c in range(3):
        h = ((x * np.uint64(73856093)) ^ (y * np.uint64(19349663)) ^ np.uint64((c + 1) * 83492791 + seed * 2654435761)) & m
        h = ((h ^ (h >> np.uint64(13))) * np.uint64(1274126177)) & m
        h = h ^ (h >> np.uint64(16))
        noise = (h & np.uint64(63)).astype(np.int64) - 32
        base = (x.astype(np.int64) * (255 - 60 * c)) // width + (y.astype(np.int64) * (60 + 60 * c)) // height
        v = base // 2 + noise
        block = ((x.astype(np.int64) // 37) + (y.astype(np.int64) // 29)) % 5
        v = np.where(block == 0, 255, np.where(block == 3, 0, v))
        out[..., c] = np.clip(v, 0, 255).astype(np.uint8)
    return out


def images() -> list[dict]:
    found = []
    for rgb_file, w, h in (("ISIC_0031023.rgb24", 200, 150), ("synthetic-300x220.rgb24", 300, 220)):
        data = np.fromfile(EXPECTED / rgb_file, dtype=np.uint8).reshape(h, w, 3)
        found.append({"id": rgb_file.split(".")[0], "source": {"rgbFile": rgb_file}, "rgb": data})
    for i, (w, h) in enumerate(SIZES):
        seed = 11 + i
        found.append({"id": f"synthetic-{w}x{h}", "source": {"synthetic": {"width": w, "height": h, "seed": seed}},
                      "rgb": synthetic_image(w, h, seed)})
    return found


def boxes_for(w: int, h: int) -> list[list[int]]:
    """Three boxes per image, in original pixels: centred, a tight one left of centre, and most of the image."""
    return [
        [w // 4, h // 4, (3 * w) // 4, (3 * h) // 4],
        [w // 8, h // 3, w // 2, (5 * h) // 6],
        [w // 20, h // 20, w - 1 - w // 20, h - 1 - h // 20],
    ]


# ------------------------------------------------------------------------------------------------
# Summaries
# ------------------------------------------------------------------------------------------------

def _f(x) -> float:
    """float32 value as a JSON float that round-trips to the same float32."""
    return float(np.float32(x))


def rle(mask: np.ndarray) -> list[int]:
    """Row-major run lengths, alternating, starting with a (possibly empty) run of background."""
    flat = mask.reshape(-1).astype(np.int8)
    change = np.flatnonzero(np.diff(flat)) + 1
    bounds = np.concatenate([[0], change, [flat.size]])
    runs = np.diff(bounds).tolist()
    return ([0] + runs) if flat.size and flat[0] == 1 else runs


def sigmoid32(x: float) -> np.float32:
    """sigmoid(x) in double, rounded to float32 (the SDK's stability thresholds)."""
    return np.float32(1.0 / (1.0 + math.exp(-x)))


def mask_result(p: np.ndarray, seg: np.ndarray, rng: np.random.Generator) -> dict:
    h, w = p.shape
    lo, hi = sigmoid32(-1.0), sigmoid32(1.0)
    picks = [(int(rng.integers(0, w)), int(rng.integers(0, h))) for _ in range(24)]
    return {
        "width": w,
        "height": h,
        "area": int(seg.sum()),
        "rle": rle(seg),
        "nearThreshold": np.flatnonzero(np.abs(p.reshape(-1).astype(np.float64) - 0.5) < NEAR).tolist(),
        "probabilitySum": float(p.astype(np.float64).sum()),
        "probabilitySamples": [[x, y, _f(p[y, x])] for x, y in picks],
        "stabilityLow": int((p > lo).sum()),
        "stabilityHigh": int((p > hi).sum()),
        "nearStabilityLow": int((np.abs(p.astype(np.float64) - float(lo)) < NEAR).sum()),
        "nearStabilityHigh": int((np.abs(p.astype(np.float64) - float(hi)) < NEAR).sum()),
    }


def low_res_summary(low: np.ndarray, rng: np.random.Generator) -> dict:
    picks = [(int(rng.integers(0, 256)), int(rng.integers(0, 256))) for _ in range(24)]
    return {
        "sum": float(low.astype(np.float64).sum()),
        "sumAbs": float(np.abs(low.astype(np.float64)).sum()),
        "samples": [[x, y, _f(low[y, x])] for x, y in picks],
    }


# ------------------------------------------------------------------------------------------------
# Goldens
# ------------------------------------------------------------------------------------------------

def decode_goldens(model, rng: np.random.Generator) -> dict:
    out = []
    for image in images():
        rgb = image["rgb"]
        h, w = rgb.shape[:2]
        prompts = []
        for box in boxes_for(w, h):
            p, seg, low, iou, box_1024 = medsam_inference(model, rgb, np.array([box], dtype=np.float64))
            prompts.append({
                "box": box,
                "box1024": [_f(v) for v in box_1024],
                "iou": _f(iou),
                "lowRes": low_res_summary(low, rng),
                "mask": mask_result(p, seg, rng),
            })
        out.append({"id": image["id"], "width": w, "height": h, **image["source"], "prompts": prompts})
    return {"model": "sam-tiny", "images": out}


def postprocessing_goldens(logit_sources: list[tuple[str, float]], rng: np.random.Generator) -> dict:
    cases = []
    for file_name, scale in logit_sources:
        path = TEST_DATA / file_name if (TEST_DATA / file_name).exists() else OUT.parent / file_name
        low = np.fromfile(path, dtype="<f4").reshape(256, 256) * np.float32(scale)
        for w, h in SIZES:
            p, seg = medsam_postprocess(torch.from_numpy(low.copy())[None, None], h, w)
            cases.append({"logitsFile": file_name, "scale": scale, **mask_result(p, seg, rng)})
    return {"cases": cases}


def model_logits(model_type: str, checkpoint: str | None, seed: int | None) -> list[str]:
    """MedSAM's inference with the project's PyTorch SAM v1 on the committed fixture images; writes mask 0's low-res
    logits as <model>_<image>_box<i>.f32 (float32 LE [256, 256]) and returns the file names."""
    model = build_project_sam(model_type, checkpoint, seed)
    tag = model_type if checkpoint is None else f"{model_type}-{Path(checkpoint).stem}"
    names = []
    for image in images()[:2]:
        rgb = image["rgb"]
        h, w = rgb.shape[:2]
        embedding = model.image_encoder(medsam_preprocess(rgb))
        for i, box in enumerate(boxes_for(w, h)[:2]):
            low, _ = medsam_low_res_logits(model, embedding, medsam_box_1024(np.array([box], dtype=np.float64), h, w))
            name = f"{tag}_{image['id']}_box{i}.f32"
            low[0, 0].numpy().astype("<f4").tofile(OUT / name)
            name = f"{OUT.name}/{name}"
            names.append(name)
    return names


def main(argv=None) -> int:
    global OUT
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sam-model", choices=["tiny", "vit_b", "vit_l", "vit_h"],
                        help="also run MedSAM's inference with tools/sam of this type and keep its low-res logits")
    parser.add_argument("--checkpoint", help="weights for --sam-model, e.g. medsam_vit_b.pth")
    parser.add_argument("--seed", type=int, help="random weights for --sam-model (tools/sam randomize_)")
    parser.add_argument("--out", default=str(OUT), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sam_model and (args.checkpoint is None) == (args.seed is None):
        parser.error("--sam-model needs exactly one of --checkpoint or --seed")

    OUT = Path(args.out)
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)

    rng = np.random.default_rng(20261203)
    sources = [(LOGITS, 1.0), (LOGITS, 2.0)]
    if args.sam_model:
        sources += [(name, 1.0) for name in model_logits(args.sam_model, args.checkpoint, args.seed)]

    decode = decode_goldens(TinyFixtureModel(), rng)
    post = postprocessing_goldens(sources, rng)
    with open(OUT / "decode.json", "w") as f:
        json.dump(decode, f, separators=(",", ":"))
    with open(OUT / "postprocessing.json", "w") as f:
        json.dump(post, f, separators=(",", ":"))
    manifest = {
        "generator": "tools/goldens/medsam_reference.py",
        "command": " ".join(["tools/goldens/medsam_reference.py"] + (argv if argv is not None else sys.argv[1:])),
        "torch": torch.__version__, "numpy": np.__version__, "scipy": scipy.__version__, "skimage": skimage.__version__,
        "sizes": [list(s) for s in SIZES], "nearThreshold": NEAR,
    }
    with open(OUT / "manifest.json", "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print(json.dumps({"decodeImages": len(decode["images"]), "postprocessingCases": len(post["cases"])}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
