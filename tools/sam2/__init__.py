"""SkinSam.Sdk's own PyTorch implementation of the SAM 2.1 image path (Hiera trunk, FPN neck, prompt encoder, mask
decoder with high-resolution features), written for this project from the published design and the facts in
../shared/reference/README.md. State-dict keys and shapes equal the official checkpoints' image-path keys."""

import onnx  # noqa: F401  (before torch: see tools/sam/__init__.py)

from .config import CONFIGS, Sam2Config
from .model import PIXEL_MEAN_01, PIXEL_STD_01, Sam2, build_sam2, randomize_

__all__ = ["CONFIGS", "Sam2Config", "Sam2", "build_sam2", "randomize_", "PIXEL_MEAN_01", "PIXEL_STD_01"]
