"""The whole SAM v1 model and its builders."""

from __future__ import annotations

from typing import Callable, Dict, Optional

import torch
from torch import nn

from .config import CONFIGS, SamConfig
from .image_encoder import ImageEncoder
from .mask_decoder import MaskDecoder
from .prompt_encoder import PromptEncoder

PIXEL_MEAN = (123.675, 116.28, 103.53)
PIXEL_STD = (58.395, 57.12, 57.375)


class Sam(nn.Module):
    """Image encoder + prompt encoder + mask decoder. State-dict keys equal the official checkpoints'."""

    mask_threshold = 0.0

    def __init__(self, config: SamConfig) -> None:
        super().__init__()
        self.config = config
        self.image_encoder = ImageEncoder(config)
        self.prompt_encoder = PromptEncoder(config)
        self.mask_decoder = MaskDecoder(config)


def randomize_(model: Sam, seed: int) -> Sam:
    """Deterministic random weights for benchmarks and tests. Default PyTorch initialisation for
    linear/conv layers (keeps activations bounded through 32 blocks), N(0, 0.02) for the position
    tables that are zero at construction, so every code path carries non-trivial values."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
                fan_in = module.weight[0].numel() if not isinstance(module, nn.ConvTranspose2d) \
                    else module.weight.shape[0] * module.weight[0, 0].numel()
                bound = 1.0 / fan_in ** 0.5
                module.weight.uniform_(-bound, bound, generator=generator)
                if module.bias is not None:
                    module.bias.uniform_(-bound, bound, generator=generator)
            elif isinstance(module, nn.Embedding):
                module.weight.normal_(0.0, 1.0, generator=generator)
        for name, tensor in model.named_parameters():
            if name.endswith(("pos_embed", "rel_pos_h", "rel_pos_w")):
                tensor.normal_(0.0, 0.02, generator=generator)
        gaussian = model.prompt_encoder.pe_layer.positional_encoding_gaussian_matrix
        gaussian.copy_(torch.randn(gaussian.shape, generator=generator))
    return model


def build_sam(model_type: str, checkpoint: Optional[str] = None, seed: Optional[int] = None) -> Sam:
    """Builds `model_type` (vit_b, vit_l, vit_h, tiny), in eval mode. With `checkpoint`, loads it
    strictly (see `checkpoint.load_sam_state_dict`); with `seed`, fills random weights."""
    if model_type not in CONFIGS:
        raise ValueError(f"Expected a model type in {sorted(CONFIGS)}; got {model_type!r}")
    model = Sam(CONFIGS[model_type])
    if seed is not None:
        randomize_(model, seed)
    if checkpoint is not None:
        from .checkpoint import load_into

        load_into(model, checkpoint)
    return model.eval()


sam_model_registry: Dict[str, Callable[..., Sam]] = {
    "default": lambda checkpoint=None, seed=None: build_sam("vit_h", checkpoint, seed),
    **{name: (lambda checkpoint=None, seed=None, _n=name: build_sam(_n, checkpoint, seed)) for name in CONFIGS},
}
