"""Traceable wrappers that define the ONNX graphs of the SDK's SAM 2.1 contract (docs/models.md, "SAM 2.1").

Encoder: `image` [1, 3, 1024, 1024] (normalised) -> `high_res_feats_0` [1, 32, 256, 256], `high_res_feats_1`
[1, 64, 128, 128], `image_embed` [1, 256, 64, 64] (no_mem_embed added), the community exporters' names and order.

Decoder: the community names; the caller supplies the whole prompt sequence (box corners, clicks, the padding
point); the graph returns ALL 4 mask tokens so that the SDK applies SAM 2's multimask / single-mask rules itself."""

from __future__ import annotations

from typing import Tuple

import onnx  # noqa: F401  (before torch: see tools/sam/__init__.py)
import torch
from torch import nn
from torch.nn import functional as F

from .model import Sam2

ENCODER_INPUTS = ["image"]
ENCODER_OUTPUTS = ["high_res_feats_0", "high_res_feats_1", "image_embed"]
DECODER_INPUTS = ["image_embed", "high_res_feats_0", "high_res_feats_1", "point_coords", "point_labels",
                  "mask_input", "has_mask_input", "orig_im_size"]
DECODER_OUTPUTS = ["masks", "iou_predictions", "low_res_masks"]


class EncoderGraph(nn.Module):
    """set_image after the transforms: image -> (high_res_feats_0, high_res_feats_1, image_embed)."""

    def __init__(self, model: Sam2) -> None:
        super().__init__()
        self.model = model
        self.last_output = None

    def forward(self, image: torch.Tensor):
        image_embed, feat_s0, feat_s1 = self.model.image_features(image)
        self.last_output = tuple(t.detach().clone() for t in (feat_s0, feat_s1, image_embed))
        return feat_s0, feat_s1, image_embed


class DecoderGraph(nn.Module):
    """Prompt encoder + mask decoder on all 4 tokens + one bilinear resize 256 -> (h, w).

    point_coords [1, N, 2] (1024 frame, x first), point_labels [1, N] float (-1 padding, 0, 1, 2, 3), mask_input
    [1, 1, 256, 256] blended by has_mask_input [1] (0 -> no_mask_embed), orig_im_size [2] int32 (h, w) ->
    masks [1, 4, h, w] and low_res_masks [1, 4, 256, 256] (unclamped logits), iou_predictions [1, 4] (0..1)."""

    def __init__(self, model: Sam2) -> None:
        super().__init__()
        self.model = model

    def forward(self, image_embed, high_res_feats_0, high_res_feats_1, point_coords, point_labels, mask_input,
                has_mask_input, orig_im_size):
        encoder = self.model.sam_prompt_encoder
        sparse = encoder.embed_labelled_points(point_coords, point_labels)
        dense = encoder.embed_mask(mask_input, has_mask_input)
        low_res, iou, _ = self.model.sam_mask_decoder.predict_masks(
            image_embed, encoder.get_dense_pe(), sparse, dense, (high_res_feats_0, high_res_feats_1))
        size = orig_im_size.to(torch.int64)
        masks = F.interpolate(low_res, size=(size[0], size[1]), mode="bilinear", align_corners=False)
        return masks, iou, low_res


def example_decoder_inputs(model: Sam2, num_points: int = 3, orig_size: Tuple[int, int] = (150, 200), seed: int = 0):
    """A valid decoder input tuple (random features, clicks and a padding point, no mask prompt)."""
    generator = torch.Generator().manual_seed(seed)
    image_embed = torch.randn(1, 256, 64, 64, generator=generator)
    feat_s0 = torch.randn(1, 32, 256, 256, generator=generator)
    feat_s1 = torch.randn(1, 64, 128, 128, generator=generator)
    coords = torch.rand(1, num_points, 2, generator=generator) * 1024.0
    labels = torch.ones(1, num_points)
    labels[0, -1] = -1.0
    coords[0, -1] = 0.0
    return (image_embed, feat_s0, feat_s1, coords, labels, torch.zeros(1, 1, 256, 256), torch.zeros(1),
            torch.tensor(list(orig_size), dtype=torch.int32))
