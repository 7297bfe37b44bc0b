"""SAM 2.1 image encoder: the Hiera trunk and the FPN neck (`image_encoder.trunk`, `image_encoder.neck`).

The neck maps each trunk level to 256 channels with a 1x1 lateral conv (`convs.0` takes the lowest-resolution,
widest level). Top-down fusion (nearest 2x upsampling, summed) reaches only the levels in `fpn_top_down_levels`
([2, 3]), so the stride-4 and stride-8 outputs are the lateral convs alone; `scalp` 1 drops the stride-32 output.
The neck's sine position encodings are not used by the image predictor and have no parameters, so they are left out."""

from __future__ import annotations

from typing import List, Sequence

import onnx  # noqa: F401  (before torch: see tools/sam/__init__.py)
import torch
from torch import nn
from torch.nn import functional as F

from .config import Sam2Config
from .hiera import Hiera


class FpnNeck(nn.Module):
    """Trunk levels (strides 4, 8, 16, 32) -> 256-channel maps at strides 4, 8, 16 (after scalp)."""

    def __init__(self, config: Sam2Config) -> None:
        super().__init__()
        self.top_down_levels = tuple(config.fpn_top_down_levels)
        self.convs = nn.ModuleList()
        for channels in config.backbone_channel_list:
            lateral = nn.Sequential()
            lateral.add_module("conv", nn.Conv2d(channels, config.prompt_embed_dim, kernel_size=1))
            self.convs.append(lateral)

    def forward(self, levels: Sequence[torch.Tensor]) -> List[torch.Tensor]:
        last = len(self.convs) - 1
        outputs: List[torch.Tensor] = [levels[0]] * len(levels)
        previous = None
        for level in range(last, -1, -1):
            lateral = self.convs[last - level](levels[level])
            if level in self.top_down_levels and previous is not None:
                top_down = F.interpolate(previous, scale_factor=2.0, mode="nearest")
                previous = lateral + top_down
            else:
                previous = lateral
            outputs[level] = previous
        return outputs


class ImageEncoder(nn.Module):
    """[1, 3, 1024, 1024] normalised image -> 256-channel maps [256x256, 128x128, 64x64] (backbone_fpn)."""

    def __init__(self, config: Sam2Config) -> None:
        super().__init__()
        self.scalp = config.scalp
        self.trunk = Hiera(config)
        self.neck = FpnNeck(config)

    def forward(self, image: torch.Tensor) -> List[torch.Tensor]:
        features = self.neck(self.trunk(image))
        return features[: len(features) - self.scalp] if self.scalp > 0 else features
