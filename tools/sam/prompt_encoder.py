"""Prompt encoder of SAM v1: random Fourier features for positions, learned point-type embeddings,
and a small convolutional stack that turns a 256 x 256 mask prompt into a dense 64 x 64 embedding."""

from __future__ import annotations

import math
from typing import Optional, Tuple

import torch
from torch import nn

from .config import SamConfig
from .layers import ChannelLayerNorm


class RandomFourierPositions(nn.Module):
    """Maps (x, y) in [0, 1] to [sin(2 pi (2p - 1) G), cos(2 pi (2p - 1) G)] with a fixed Gaussian G [2, C/2]."""

    def __init__(self, half_channels: int, scale: float = 1.0) -> None:
        super().__init__()
        self.register_buffer("positional_encoding_gaussian_matrix", scale * torch.randn(2, half_channels))

    def encode(self, unit_coords: torch.Tensor) -> torch.Tensor:
        """unit_coords [..., 2] in [0, 1] (x first) -> [..., C]."""
        projected = torch.matmul(2.0 * unit_coords - 1.0, self.positional_encoding_gaussian_matrix)
        projected = 2.0 * math.pi * projected
        return torch.cat([torch.sin(projected), torch.cos(projected)], dim=-1)

    def grid(self, height: int, width: int) -> torch.Tensor:
        """Encoding of every cell centre of a height x width grid -> [C, height, width]."""
        matrix = self.positional_encoding_gaussian_matrix
        ys = (torch.arange(height, dtype=matrix.dtype, device=matrix.device) + 0.5) / height
        xs = (torch.arange(width, dtype=matrix.dtype, device=matrix.device) + 0.5) / width
        coords = torch.stack(
            [xs[None, :].expand(height, width), ys[:, None].expand(height, width)], dim=-1
        )
        return self.encode(coords).permute(2, 0, 1)

    def points(self, coords: torch.Tensor, image_size: Tuple[int, int]) -> torch.Tensor:
        """Pixel coordinates [..., 2] (x, y) in an image of (height, width) -> [..., C]."""
        scale = torch.tensor([1.0 / image_size[1], 1.0 / image_size[0]], dtype=coords.dtype, device=coords.device)
        return self.encode(coords * scale)


class PromptEncoder(nn.Module):
    """Embeds point, box and mask prompts for the mask decoder."""

    def __init__(self, config: SamConfig) -> None:
        super().__init__()
        dim = config.prompt_embed_dim
        grid = config.embedding_grid
        self.embed_dim = dim
        self.image_embedding_size = (grid, grid)
        self.input_image_size = (config.image_size, config.image_size)
        self.mask_input_size = (4 * grid, 4 * grid)
        self.pe_layer = RandomFourierPositions(dim // 2)
        # 0 negative point, 1 positive point, 2 box top-left, 3 box bottom-right
        self.num_point_embeddings = 4
        self.point_embeddings = nn.ModuleList(nn.Embedding(1, dim) for _ in range(self.num_point_embeddings))
        self.not_a_point_embed = nn.Embedding(1, dim)
        chans = config.mask_in_chans
        self.mask_downscaling = nn.Sequential(
            nn.Conv2d(1, chans // 4, kernel_size=2, stride=2),
            ChannelLayerNorm(chans // 4),
            nn.GELU(),
            nn.Conv2d(chans // 4, chans, kernel_size=2, stride=2),
            ChannelLayerNorm(chans),
            nn.GELU(),
            nn.Conv2d(chans, dim, kernel_size=1),
        )
        self.no_mask_embed = nn.Embedding(1, dim)

    def get_dense_pe(self) -> torch.Tensor:
        """Positional encoding of the 64 x 64 embedding grid, [1, C, 64, 64]."""
        return self.pe_layer.grid(*self.image_embedding_size).unsqueeze(0)

    def embed_labelled_points(self, coords: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """coords [B, N, 2] in the 1024 frame, labels [B, N] in {-1, 0, 1, 2, 3} (float or int) -> [B, N, C].

        Written without data-dependent control flow so it traces to ONNX: label -1 gives
        not_a_point_embed with no positional term; label i in 0..3 gives position + point_embeddings[i]."""
        positions = self.pe_layer.points(coords + 0.5, self.input_image_size)
        labels = labels.unsqueeze(-1).to(positions.dtype)
        is_padding = (labels == -1).to(positions.dtype)
        embedding = positions * (1.0 - is_padding) + self.not_a_point_embed.weight * is_padding
        for index, table in enumerate(self.point_embeddings):
            embedding = embedding + table.weight * (labels == index).to(positions.dtype)
        return embedding

    def embed_mask(self, mask: torch.Tensor, has_mask: torch.Tensor) -> torch.Tensor:
        """mask [B, 1, 256, 256], has_mask [1] (0 or 1) -> dense [B, C, 64, 64]; 0 blends in no_mask_embed."""
        downscaled = self.mask_downscaling(mask)
        return has_mask * downscaled + (1.0 - has_mask) * self.no_mask_embed.weight.reshape(1, -1, 1, 1)

    def forward(
        self,
        points: Optional[Tuple[torch.Tensor, torch.Tensor]],
        boxes: Optional[torch.Tensor],
        masks: Optional[torch.Tensor],
    ) -> Tuple[torch.Tensor, torch.Tensor]:
        """PyTorch-side prompt handling (like `SamPredictor`): without a box, one padding point is
        appended to the points; a box [B, 4] becomes two corner points labelled 2 and 3."""
        batch = 1
        parts = []
        if points is not None:
            coords, labels = points
            batch = coords.shape[0]
            if boxes is None:
                coords = torch.cat([coords, torch.zeros_like(coords[:, :1])], dim=1)
                labels = torch.cat([labels, -torch.ones_like(labels[:, :1])], dim=1)
            parts.append(self.embed_labelled_points(coords, labels))
        if boxes is not None:
            batch = boxes.shape[0]
            corners = boxes.reshape(-1, 2, 2)
            corner_labels = torch.tensor([[2.0, 3.0]], device=boxes.device).expand(corners.shape[0], 2)
            parts.append(self.embed_labelled_points(corners, corner_labels))
        if parts:
            sparse = torch.cat(parts, dim=1)
        else:
            sparse = torch.empty(batch, 0, self.embed_dim, device=self.no_mask_embed.weight.device)
        if masks is not None:
            dense = self.mask_downscaling(masks)
        else:
            dense = self.no_mask_embed.weight.reshape(1, -1, 1, 1).expand(batch, -1, *self.image_embedding_size)
        return sparse, dense
