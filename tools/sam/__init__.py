"""SkinSam.Sdk's own PyTorch implementation of the SAM v1 architecture (SAM, MedSAM, SkinSAM).

Written for this project from the published design; state-dict keys and shapes equal the official
checkpoints', so their weights load with strict=True."""

# onnx before torch: where PyTorch links the system's libonnx (Debian's python3-torch 2.x does), loading torch first
# makes the python3-onnx extension bind some of its symbols to that library, and onnx.checker then crashes with a
# segmentation fault (seen with Debian sid's torch 2.14.1 + onnx 1.20.0). Importing onnx first avoids it.
import onnx  # noqa: F401  (import order, see above)

from .config import CONFIGS, SamConfig
from .model import PIXEL_MEAN, PIXEL_STD, Sam, build_sam, randomize_, sam_model_registry

__all__ = ["CONFIGS", "SamConfig", "Sam", "build_sam", "randomize_", "sam_model_registry", "PIXEL_MEAN", "PIXEL_STD"]
