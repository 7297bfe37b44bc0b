"""Traceable wrappers that define the ONNX graphs of the SDK's SAM v1 contract (MANIFEST.md).

The decoder follows the official `SamOnnxModel` semantics: prompt points with labels (-1 padding,
0..3 point types), a mask prompt blended by `has_mask_input`, masks upsampled inside the graph to
the original image size, and an optional in-graph single-mask choice."""

from __future__ import annotations

from typing import Tuple

import torch
from torch import nn
from torch.nn import functional as F

from .model import Sam

ENCODER_INPUTS = ["image"]
ENCODER_OUTPUTS = ["image_embeddings"]
DECODER_INPUTS = ["image_embeddings", "point_coords", "point_labels", "mask_input", "has_mask_input", "orig_im_size"]
DECODER_OUTPUTS = ["masks", "iou_predictions", "low_res_masks"]
LOW_RES_DECODER_INPUTS = DECODER_INPUTS[:-1]
LOW_RES_DECODER_OUTPUTS = ["iou_predictions", "low_res_masks"]
SINGLE_MASK_REWEIGHT = 1000.0


class EncoderGraph(nn.Module):
    """`image` [1, 3, 1024, 1024] normalised and zero-padded -> `image_embeddings` [1, 256, 64, 64]."""

    def __init__(self, model: Sam) -> None:
        super().__init__()
        self.image_encoder = model.image_encoder
        self.last_output = None

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        embeddings = self.image_encoder(image)
        # Tracing runs this eagerly on real values; keeping the result lets a caller compare ONNX
        # Runtime with PyTorch on the example input without a second (slow) forward pass.
        self.last_output = embeddings.detach().clone()
        return embeddings


def resized_frame(orig_im_size: torch.Tensor, long_side: int) -> torch.Tensor:
    """(h, w) -> (new_h, new_w) = floor((h, w) * long_side / max(h, w) + 0.5) as int64."""
    size = orig_im_size.to(torch.float32)
    scale = long_side / torch.max(size)
    return torch.floor(size * scale + 0.5).to(torch.int64)


def select_single_mask(
    masks: torch.Tensor, iou: torch.Tensor, num_points: torch.Tensor
) -> Tuple[torch.Tensor, torch.Tensor]:
    """score = iou + (N - 2.5) * 1000 on mask 0, argmax over the 4 masks; N = rows of point_coords.
    N = 2 (one click + padding, or a box alone) picks the best of masks 1..3; N >= 3 picks mask 0."""
    reweight = torch.tensor([[SINGLE_MASK_REWEIGHT] + [0.0] * (iou.shape[1] - 1)], dtype=iou.dtype)
    score = iou + (num_points.unsqueeze(-1) - 2.5) * reweight
    best = torch.argmax(score, dim=1, keepdim=True)  # [B, 1]
    batch, _, height, width = masks.shape
    chosen_masks = torch.gather(masks, 1, best.reshape(batch, 1, 1, 1).expand(batch, 1, height, width))
    chosen_iou = torch.gather(iou, 1, best)
    return chosen_masks, chosen_iou


class DecoderGraph(nn.Module):
    """Prompt encoder + mask decoder (+ in-graph upsampling to the original size)."""

    def __init__(self, model: Sam, single_mask: bool = False, low_res_only: bool = False, batch_axis: bool = False) -> None:
        super().__init__()
        self.model = model
        self.single_mask = single_mask
        self.low_res_only = low_res_only
        self.batch_axis = batch_axis
        self.img_size = model.config.image_size

    def _decode(self, image_embeddings, point_coords, point_labels, mask_input, has_mask_input):
        encoder = self.model.prompt_encoder
        sparse = encoder.embed_labelled_points(point_coords, point_labels)
        if self.batch_axis:
            # has_mask_input [B]: one flag per prompt, broadcast over its mask embedding (not along the width).
            has_mask_input = has_mask_input.reshape(-1, 1, 1, 1)
        dense = encoder.embed_mask(mask_input, has_mask_input)
        masks, iou = self.model.mask_decoder.predict_masks(image_embeddings, encoder.get_dense_pe(), sparse, dense)
        if self.single_mask:
            # N counted from the data, so the rule follows the dynamic num_points axis.
            num_points = torch.ones_like(point_labels).sum(dim=1)
            masks, iou = select_single_mask(masks, iou, num_points)
        return masks, iou

    def upsample(self, low_res: torch.Tensor, orig_im_size: torch.Tensor) -> torch.Tensor:
        """256 -> 1024 bilinear, crop to the resized frame, bilinear to (h, w); align_corners False."""
        masks = F.interpolate(low_res, size=(self.img_size, self.img_size), mode="bilinear", align_corners=False)
        frame = resized_frame(orig_im_size, self.img_size)
        masks = masks[..., : frame[0], : frame[1]]
        size = orig_im_size.to(torch.int64)
        return F.interpolate(masks, size=(size[0], size[1]), mode="bilinear", align_corners=False)

    def forward(self, image_embeddings, point_coords, point_labels, mask_input, has_mask_input, orig_im_size=None):
        low_res, iou = self._decode(image_embeddings, point_coords, point_labels, mask_input, has_mask_input)
        if self.low_res_only:
            return iou, low_res
        return self.upsample(low_res, orig_im_size), iou, low_res


def example_decoder_inputs(num_points: int = 2, orig_size: Tuple[int, int] = (150, 200), seed: int = 0):
    """A valid decoder input tuple: one click and a padding point (or more), no mask prompt."""
    generator = torch.Generator().manual_seed(seed)
    embeddings = torch.randn(1, 256, 64, 64, generator=generator)
    coords = torch.rand(1, num_points, 2, generator=generator) * 1024.0
    labels = torch.ones(1, num_points)
    labels[0, -1] = -1.0
    coords[0, -1] = 0.0
    mask_input = torch.zeros(1, 1, 256, 256)
    has_mask = torch.zeros(1)
    orig = torch.tensor([float(orig_size[0]), float(orig_size[1])])
    return embeddings, coords, labels, mask_input, has_mask, orig
