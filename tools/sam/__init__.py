"""SkinSam.Sdk's own PyTorch implementation of the SAM v1 architecture (SAM, MedSAM, SkinSAM).

Written for this project from the published design; state-dict keys and shapes equal the official
checkpoints', so their weights load with strict=True."""

from .config import CONFIGS, SamConfig
from .model import PIXEL_MEAN, PIXEL_STD, Sam, build_sam, randomize_, sam_model_registry

__all__ = ["CONFIGS", "SamConfig", "Sam", "build_sam", "randomize_", "sam_model_registry", "PIXEL_MEAN", "PIXEL_STD"]
