"""Image encoder pieces against their plain definitions."""

from __future__ import annotations

import onnx  # noqa: F401  (before torch: see tools/sam/__init__.py)
import torch

from sam.image_encoder import Attention, from_windows, relative_index_table, to_windows


def test_relative_bias_equals_the_decomposed_definition():
    """logit(q=(y,x), k=(ky,kx)) gets q . rel_pos_h[y-ky+S-1] + q . rel_pos_w[x-kx+S-1]."""
    size, depth, batch = 5, 4, 3
    attention = Attention(dim=depth * 2, num_heads=2, grid=size)
    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        attention.rel_pos_h.copy_(torch.randn(2 * size - 1, depth, generator=generator))
        attention.rel_pos_w.copy_(torch.randn(2 * size - 1, depth, generator=generator))
        q = torch.randn(batch, size, size, depth, generator=generator)
        bias = attention._relative_bias(q)
    expected = torch.zeros(batch, size, size, size, size)
    for y in range(size):
        for x in range(size):
            for ky in range(size):
                for kx in range(size):
                    expected[:, y, x, ky, kx] = (q[:, y, x] * attention.rel_pos_h[y - ky + size - 1]).sum(-1) + \
                        (q[:, y, x] * attention.rel_pos_w[x - kx + size - 1]).sum(-1)
    assert torch.allclose(bias, expected.reshape(batch, size * size, size * size), atol=1e-5)


def test_relative_index_table_is_offset_difference():
    assert relative_index_table(3).tolist() == [[2, 1, 0], [3, 2, 1], [4, 3, 2]]


def test_windows_pad_64_to_70_and_round_trip():
    x = torch.randn(2, 64, 64, 8)
    windows, padded = to_windows(x, 14, (64, 64), 8)
    assert padded == (70, 70) and windows.shape == (2 * 25, 14, 14, 8)
    assert torch.equal(windows[0], x[0, :14, :14])
    assert torch.equal(windows[4, :8, :8], x[0, :8, 56:64]) and windows[4, :, 8:].abs().sum() == 0
    assert torch.equal(from_windows(windows, 14, padded, (64, 64), 8), x)


def test_tiny_encoder_output_shape(tiny_model):
    with torch.no_grad():
        out = tiny_model.image_encoder(torch.zeros(1, 3, 1024, 1024))
    assert out.shape == (1, 256, 64, 64)
