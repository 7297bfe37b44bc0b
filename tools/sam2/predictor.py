"""PyTorch reference of SAM2ImagePredictor's image mode on the project's modules (the rules the SDK must follow):
preprocessing, prompt mapping, the prompt sequence, multimask / single-mask rules and mask postprocessing.
See ../shared/reference/README.md for where each rule comes from in the official code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

import onnx  # noqa: F401  (before torch: see tools/sam/__init__.py)
import numpy as np
import torch
from torch.nn import functional as F

from .mask_decoder import select_masks
from .model import PIXEL_MEAN_01, PIXEL_STD_01, Sam2

LOW_RES_CLAMP = 32.0


def preprocess(rgb: np.ndarray, size: int = 1024) -> torch.Tensor:
    """HxWx3 uint8 RGB -> [1, 3, size, size]: /255, bilinear resize straight to size x size (aspect not kept, no
    padding) with antialiasing (torchvision >= 0.17 tensor semantics: only affects downscaling), then ImageNet
    mean/std."""
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"Expected an HxWx3 uint8 RGB array; got {rgb.dtype} {rgb.shape}")
    x = torch.from_numpy(np.ascontiguousarray(rgb)).permute(2, 0, 1).float().div(255.0).unsqueeze(0)
    x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False, antialias=True)
    mean = torch.tensor(PIXEL_MEAN_01).reshape(1, 3, 1, 1)
    std = torch.tensor(PIXEL_STD_01).reshape(1, 3, 1, 1)
    return (x - mean) / std


def map_coords(coords_xy: np.ndarray, orig_hw: Tuple[int, int], size: int = 1024) -> np.ndarray:
    """Original-pixel (x, y) -> the 1024 frame: x * 1024 / W, y * 1024 / H (separate scales)."""
    h, w = orig_hw
    out = np.asarray(coords_xy, dtype=np.float32).copy()
    out[..., 0] = out[..., 0] / w * size
    out[..., 1] = out[..., 1] / h * size
    return out


def prompt_sequence(points: Optional[np.ndarray], labels: Optional[np.ndarray], box: Optional[Sequence[float]],
                    orig_hw: Tuple[int, int]) -> Tuple[np.ndarray, np.ndarray]:
    """The decoder's (point_coords [1, N, 2] in the 1024 frame, point_labels [1, N]): box corners (labels 2, 3) first,
    then the clicks (1 positive, 0 negative), then one padding point (0, 0) label -1, which the official prompt
    encoder always appends when there is any point or box. No point and no box (mask prompt only) -> N = 0."""
    coords, kinds = [], []
    if box is not None:
        corners = map_coords(np.asarray(box, dtype=np.float32).reshape(2, 2), orig_hw)
        coords += [corners[0], corners[1]]
        kinds += [2.0, 3.0]
    if points is not None:
        coords += list(map_coords(np.asarray(points, dtype=np.float32).reshape(-1, 2), orig_hw))
        kinds += [float(v) for v in np.asarray(labels).reshape(-1)]
    if coords:
        coords.append(np.zeros(2, np.float32))
        kinds.append(-1.0)
    return (np.asarray(coords, np.float32).reshape(1, -1, 2), np.asarray(kinds, np.float32).reshape(1, -1))


@dataclass
class Prediction:
    all_low_res: torch.Tensor  # [1, 4, 256, 256] unclamped logits of all 4 tokens
    all_iou: torch.Tensor  # [1, 4]
    low_res: torch.Tensor  # chosen [1, K, 256, 256], clamped to [-32, 32] as the official predictor returns them
    iou: torch.Tensor  # chosen [1, K]
    masks_logits: torch.Tensor  # chosen [1, K, H, W], upsampled from the unclamped logits


def decode(model: Sam2, features, coords: np.ndarray, labels: np.ndarray, mask_input: Optional[np.ndarray],
           orig_hw: Tuple[int, int], multimask_output: bool) -> Prediction:
    """SAM2ImagePredictor._predict on prepared prompts (see prompt_sequence) and optional [1, 1, 256, 256] logits."""
    image_embed, feat_s0, feat_s1 = features
    encoder = model.sam_prompt_encoder
    with torch.no_grad():
        sparse = encoder.embed_labelled_points(torch.from_numpy(coords), torch.from_numpy(labels))
        if mask_input is not None:
            dense = encoder.mask_downscaling(torch.from_numpy(np.asarray(mask_input, np.float32)))
        else:
            dense = encoder.no_mask_embed.weight.reshape(1, -1, 1, 1).expand(1, -1, *encoder.image_embedding_size)
        masks, iou, _ = model.sam_mask_decoder.predict_masks(
            image_embed, encoder.get_dense_pe(), sparse, dense, (feat_s0, feat_s1))
        cfg = model.config
        chosen, chosen_iou = select_masks(masks, iou, multimask_output, cfg.stability_delta, cfg.stability_thresh)
        upsampled = F.interpolate(chosen, size=orig_hw, mode="bilinear", align_corners=False)
    return Prediction(masks, iou, chosen.clamp(-LOW_RES_CLAMP, LOW_RES_CLAMP), chosen_iou, upsampled)
