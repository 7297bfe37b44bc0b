"""Hiera image trunk of SAM 2.1: a 7x7 stride-4 patch embedding, four stages of transformer blocks
(windowed or global attention), max-pooling of the queries at the first block of stages 2..4 (which also
doubles the width and the heads), and a windowed absolute position embedding (a bicubically interpolated
background table plus a window-sized table tiled over the grid).

Tensors inside the trunk are channels-last [B, H, W, C]; outputs are NCHW, one per stage."""

from __future__ import annotations

from typing import List, Optional, Tuple

import onnx  # noqa: F401  (before torch: see tools/sam/__init__.py)
import torch
from torch import nn
from torch.nn import functional as F

from sam.layers import StackedLinear

from .config import Sam2Config

LAYER_NORM_EPS = 1e-6


def pool_channels_last(x: torch.Tensor, pool: Optional[nn.Module]) -> torch.Tensor:
    """Applies an NCHW pooling module to a [B, H, W, C] tensor."""
    if pool is None:
        return x
    return pool(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)


def to_windows(x: torch.Tensor, window: int) -> Tuple[torch.Tensor, Tuple[int, int]]:
    """[B, H, W, C] -> [B * nH * nW, window, window, C], padding bottom/right with zeros to a multiple of window."""
    batch, height, width, channels = x.shape
    pad_h = (window - height % window) % window
    pad_w = (window - width % window) % window
    if pad_h or pad_w:
        x = F.pad(x, (0, 0, 0, pad_w, 0, pad_h))
    padded_h, padded_w = height + pad_h, width + pad_w
    x = x.reshape(batch, padded_h // window, window, padded_w // window, window, channels)
    return x.permute(0, 1, 3, 2, 4, 5).reshape(-1, window, window, channels), (padded_h, padded_w)


def from_windows(windows: torch.Tensor, window: int, padded: Tuple[int, int], size: Tuple[int, int]) -> torch.Tensor:
    """Inverse of to_windows: [B * nH * nW, window, window, C] -> [B, H, W, C] without the padding."""
    padded_h, padded_w = padded
    per_image = (padded_h // window) * (padded_w // window)
    batch = windows.shape[0] // per_image
    x = windows.reshape(batch, padded_h // window, padded_w // window, window, window, -1)
    x = x.permute(0, 1, 3, 2, 4, 5).reshape(batch, padded_h, padded_w, -1)
    return x[:, : size[0], : size[1], :]


class PatchEmbed(nn.Module):
    """Conv 7x7, stride 4, padding 3: [B, 3, H, W] -> [B, H/4, W/4, C] (state-dict name: proj)."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.proj = nn.Conv2d(3, dim, kernel_size=7, stride=4, padding=3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x).permute(0, 2, 3, 1)


class MultiScaleAttention(nn.Module):
    """Multi-head self-attention over the tokens of a [B, H, W, C] map; with a query pool, the queries (and so the
    output grid) are pooled while keys and values keep the input resolution."""

    def __init__(self, dim: int, dim_out: int, num_heads: int, q_pool: Optional[nn.Module]) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.q_pool = q_pool
        self.qkv = nn.Linear(dim, dim_out * 3)
        self.proj = nn.Linear(dim_out, dim_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, height, width, _ = x.shape
        qkv = self.qkv(x).reshape(batch, height * width, 3, self.num_heads, -1)
        q, k, v = qkv[:, :, 0], qkv[:, :, 1], qkv[:, :, 2]  # [B, HW, heads, head_dim]
        if self.q_pool is not None:
            q = pool_channels_last(q.reshape(batch, height, width, -1), self.q_pool)
            height, width = q.shape[1], q.shape[2]
            q = q.reshape(batch, height * width, self.num_heads, -1)
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
        weights = torch.matmul(q, k.transpose(-2, -1)) * (q.shape[-1] ** -0.5)
        out = torch.matmul(weights.softmax(dim=-1), v)  # [B, heads, HW', head_dim]
        out = out.transpose(1, 2).reshape(batch, height, width, -1)
        return self.proj(out)


class MultiScaleBlock(nn.Module):
    """Pre-norm block: (windowed) attention with an optional query pool, then a GELU MLP. When the width changes,
    the shortcut is a linear projection of the normalised input, pooled like the queries."""

    def __init__(self, dim: int, dim_out: int, num_heads: int, mlp_ratio: float,
                 q_stride: Optional[Tuple[int, int]], window_size: int) -> None:
        super().__init__()
        self.dim, self.dim_out = dim, dim_out
        self.window_size = window_size
        self.q_stride = q_stride
        self.norm1 = nn.LayerNorm(dim, eps=LAYER_NORM_EPS)
        self.pool = nn.MaxPool2d(kernel_size=q_stride, stride=q_stride, ceil_mode=False) if q_stride else None
        self.attn = MultiScaleAttention(dim, dim_out, num_heads, q_pool=self.pool)
        self.norm2 = nn.LayerNorm(dim_out, eps=LAYER_NORM_EPS)
        self.mlp = StackedLinear(dim_out, int(dim_out * mlp_ratio), dim_out, 2)
        self.mlp_act = nn.GELU()
        if dim != dim_out:
            self.proj = nn.Linear(dim, dim_out)

    def _mlp(self, x: torch.Tensor) -> torch.Tensor:
        first, second = self.mlp.layers
        return second(self.mlp_act(first(x)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.norm1(x)
        if self.dim != self.dim_out:
            shortcut = pool_channels_last(self.proj(x), self.pool)
        window = self.window_size
        if window > 0:
            x, padded = to_windows(x, window)
        x = self.attn(x)
        if window > 0:
            if self.q_stride:
                window = self.window_size // self.q_stride[0]
                height, width = shortcut.shape[1], shortcut.shape[2]
                padded = (height + (window - height % window) % window, width + (window - width % window) % window)
            x = from_windows(x, window, padded, (shortcut.shape[1], shortcut.shape[2]))
        x = shortcut + x
        return x + self._mlp(self.norm2(x))


class Hiera(nn.Module):
    """The trunk: [B, 3, 1024, 1024] -> 4 NCHW maps at strides 4, 8, 16, 32 (widths e, 2e, 4e, 8e)."""

    def __init__(self, config: Sam2Config) -> None:
        super().__init__()
        stages = config.stages
        self.stage_ends = [sum(stages[: i + 1]) - 1 for i in range(len(stages))]
        q_pool_blocks = [end + 1 for end in self.stage_ends[:-1]][: config.q_pool]
        dim = config.embed_dim
        heads = config.num_heads
        self.pos_embed = nn.Parameter(torch.zeros(1, dim, *config.window_pos_embed_bkg_spatial_size))
        window0 = config.window_spec[0]
        self.pos_embed_window = nn.Parameter(torch.zeros(1, dim, window0, window0))
        self.patch_embed = PatchEmbed(dim)
        blocks: List[MultiScaleBlock] = []
        stage = 0
        for index in range(sum(stages)):
            dim_out = dim
            # the first block of a stage still works at the previous stage's window (before its query pool)
            window = 0 if index in config.global_att_blocks else config.window_spec[stage]
            if index - 1 in self.stage_ends:
                dim_out = int(dim * config.dim_mul)
                heads = int(heads * config.head_mul)
                stage += 1
            blocks.append(MultiScaleBlock(
                dim, dim_out, heads, config.mlp_ratio,
                q_stride=config.q_stride if index in q_pool_blocks else None, window_size=window))
            dim = dim_out
        self.blocks = nn.ModuleList(blocks)
        self.channel_list = [self.blocks[end].dim_out for end in reversed(self.stage_ends)]

    def position_embedding(self, height: int, width: int) -> torch.Tensor:
        """Bicubic (align_corners False) resize of pos_embed to the token grid plus pos_embed_window tiled over it,
        channels-last [1, H, W, C]."""
        background = F.interpolate(self.pos_embed, size=(height, width), mode="bicubic", align_corners=False)
        window = self.pos_embed_window
        tiles = (1, 1, height // window.shape[-2], width // window.shape[-1])
        return (background + window.repeat(tiles)).permute(0, 2, 3, 1)  # repeat == tile here; exports as Tile

    def forward(self, image: torch.Tensor) -> List[torch.Tensor]:
        x = self.patch_embed(image)
        x = x + self.position_embedding(x.shape[1], x.shape[2])
        outputs = []
        for index, block in enumerate(self.blocks):
            x = block(x)
            if index in self.stage_ends:
                outputs.append(x.permute(0, 3, 1, 2))
        return outputs
