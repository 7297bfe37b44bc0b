"""Comparison helpers for PyTorch vs ONNX Runtime outputs."""

from __future__ import annotations

import numpy as np

EMBEDDING_TOLERANCE = 1e-4
AMBIGUOUS_LOGIT = 1e-3


def max_abs_diff(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))


def assert_masks_agree(onnx_logits, torch_logits, threshold: float = 0.0) -> int:
    """Binary masks (logits > threshold) must be identical except where the PyTorch logit lies within
    1e-3 of the threshold. Returns how many such ambiguous pixels differed."""
    onnx_logits = np.asarray(onnx_logits)
    torch_logits = np.asarray(torch_logits)
    assert onnx_logits.shape == torch_logits.shape
    differ = (onnx_logits > threshold) != (torch_logits > threshold)
    near = np.abs(torch_logits - threshold) < AMBIGUOUS_LOGIT
    assert not np.any(differ & ~near), f"{int(np.sum(differ & ~near))} mask pixels differ away from the threshold"
    return int(np.sum(differ))
