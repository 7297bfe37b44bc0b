"""ViT image encoder of SAM v1: patch embedding, absolute position embedding, windowed and
global attention blocks with decomposed relative positions, and a convolutional neck to 256 channels."""

from __future__ import annotations

from typing import Tuple

import torch
from torch import nn

from .config import SamConfig
from .layers import ChannelLayerNorm, FeedForward


def relative_index_table(size: int) -> torch.Tensor:
    """Index into a (2*size-1)-row table for every (query row, key row) pair: q - k + size - 1."""
    positions = torch.arange(size)
    return positions[:, None] - positions[None, :] + (size - 1)


class Attention(nn.Module):
    """Multi-head self-attention over a square token grid with decomposed relative positions:
    the attention logit of query (y, x) and key (ky, kx) gets q . Rh[y - ky] + q . Rw[x - kx]."""

    def __init__(self, dim: int, num_heads: int, grid: int) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.grid = grid
        head_dim = dim // num_heads
        self.head_dim = head_dim
        self.scale = head_dim ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=True)
        self.proj = nn.Linear(dim, dim)
        self.rel_pos_h = nn.Parameter(torch.zeros(2 * grid - 1, head_dim))
        self.rel_pos_w = nn.Parameter(torch.zeros(2 * grid - 1, head_dim))
        self.register_buffer("rel_index", relative_index_table(grid), persistent=False)

    def _relative_bias(self, q: torch.Tensor) -> torch.Tensor:
        """q: [B', S, S, D] (B' = batch*heads). Returns [B', S*S, S*S] position terms."""
        size = self.grid
        depth = self.head_dim
        table_h = self.rel_pos_h[self.rel_index]  # [S(y), S(ky), D]
        table_w = self.rel_pos_w[self.rel_index]  # [S(x), S(kx), D]
        # rows: for each query row y, a matmul of all (batch, x) queries with that row's table
        by_row = q.permute(1, 0, 2, 3).reshape(size, -1, depth)
        rel_h = torch.matmul(by_row, table_h.transpose(1, 2))  # [y, B'*x, ky]
        rel_h = rel_h.reshape(size, -1, size, size).permute(1, 0, 2, 3)  # [B', y, x, ky]
        by_col = q.permute(2, 0, 1, 3).reshape(size, -1, depth)
        rel_w = torch.matmul(by_col, table_w.transpose(1, 2))  # [x, B'*y, kx]
        rel_w = rel_w.reshape(size, -1, size, size).permute(1, 2, 0, 3)  # [B', y, x, kx]
        bias = rel_h.unsqueeze(-1) + rel_w.unsqueeze(-2)  # [B', y, x, ky, kx]
        return bias.reshape(-1, size * size, size * size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: [B, S, S, C] with S = grid. Shapes other than the batch are the static config values,
        so the traced ONNX graph has fixed shapes (no Shape/Mod arithmetic)."""
        size, heads = self.grid, self.num_heads
        dim = self.proj.in_features
        tokens = size * size
        qkv = self.qkv(x).reshape(-1, tokens, 3, heads, dim // heads)
        qkv = qkv.permute(2, 0, 3, 1, 4).reshape(3, -1, tokens, dim // heads)
        q, k, v = qkv[0], qkv[1], qkv[2]
        logits = torch.matmul(q * self.scale, k.transpose(-2, -1))
        logits = logits + self._relative_bias(q.reshape(-1, size, size, dim // heads))
        weights = logits.softmax(dim=-1)
        out = torch.matmul(weights, v)
        out = out.reshape(-1, heads, size, size, dim // heads).permute(0, 2, 3, 1, 4)
        return self.proj(out.reshape(-1, size, size, dim))


def to_windows(x: torch.Tensor, window: int, size: Tuple[int, int], channels: int) -> Tuple[torch.Tensor, Tuple[int, int]]:
    """[B, H, W, C] -> [B * nH * nW, window, window, C], zero-padding H and W up to multiples of window.
    `size` (H, W) and `channels` are Python ints so the padding is a constant of the traced graph."""
    height, width = size
    pad_h = (window - height % window) % window
    pad_w = (window - width % window) % window
    if pad_h or pad_w:
        x = nn.functional.pad(x, (0, 0, 0, pad_w, 0, pad_h))
    padded_h, padded_w = height + pad_h, width + pad_w
    x = x.reshape(-1, padded_h // window, window, padded_w // window, window, channels)
    return x.permute(0, 1, 3, 2, 4, 5).reshape(-1, window, window, channels), (padded_h, padded_w)


def from_windows(
    windows: torch.Tensor, window: int, padded: Tuple[int, int], size: Tuple[int, int], channels: int
) -> torch.Tensor:
    """Inverse of `to_windows`, cropping the padding away."""
    padded_h, padded_w = padded
    rows, cols = padded_h // window, padded_w // window
    x = windows.reshape(-1, rows, cols, window, window, channels).permute(0, 1, 3, 2, 4, 5)
    x = x.reshape(-1, padded_h, padded_w, channels)
    return x[:, : size[0], : size[1], :]


class Block(nn.Module):
    """Pre-norm transformer block; window > 0 attends inside non-overlapping windows, 0 attends globally."""

    def __init__(self, dim: int, num_heads: int, mlp_ratio: float, window: int, grid: int) -> None:
        super().__init__()
        self.window = window
        self.grid = grid
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, num_heads, window if window > 0 else grid)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = FeedForward(dim, int(dim * mlp_ratio), nn.GELU)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shortcut = x
        x = self.norm1(x)
        if self.window > 0:
            size = (self.grid, self.grid)
            channels = self.norm1.normalized_shape[0]
            windows, padded = to_windows(x, self.window, size, channels)
            x = from_windows(self.attn(windows), self.window, padded, size, channels)
        else:
            x = self.attn(x)
        x = shortcut + x
        return x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    """Non-overlapping patch projection; returns channels-last [B, H/16, W/16, C]."""

    def __init__(self, patch: int, in_chans: int, dim: int) -> None:
        super().__init__()
        self.proj = nn.Conv2d(in_chans, dim, kernel_size=patch, stride=patch)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x).permute(0, 2, 3, 1)


class ImageEncoder(nn.Module):
    """[B, 3, 1024, 1024] normalised image -> [B, 256, 64, 64] embeddings."""

    def __init__(self, config: SamConfig) -> None:
        super().__init__()
        self.img_size = config.image_size
        grid = config.embedding_grid
        dim = config.encoder_embed_dim
        self.patch_embed = PatchEmbed(config.patch_size, 3, dim)
        self.pos_embed = nn.Parameter(torch.zeros(1, grid, grid, dim))
        global_blocks = set(config.encoder_global_attn_indexes)
        self.blocks = nn.ModuleList(
            Block(dim, config.encoder_num_heads, config.mlp_ratio,
                  0 if index in global_blocks else config.window_size, grid)
            for index in range(config.encoder_depth)
        )
        out = config.prompt_embed_dim
        self.neck = nn.Sequential(
            nn.Conv2d(dim, out, kernel_size=1, bias=False),
            ChannelLayerNorm(out),
            nn.Conv2d(out, out, kernel_size=3, padding=1, bias=False),
            ChannelLayerNorm(out),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.patch_embed(x) + self.pos_embed
        for block in self.blocks:
            x = block(x)
        return self.neck(x.permute(0, 3, 1, 2))
