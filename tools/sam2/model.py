"""The SAM 2.1 image-path model (what SAM2ImagePredictor runs) and its builders."""

from __future__ import annotations

from typing import Dict, Optional

import onnx  # noqa: F401  (before torch: see tools/sam/__init__.py)
import torch
from torch import nn

from sam.prompt_encoder import PromptEncoder

from .config import CONFIGS, Sam2Config
from .image_encoder import ImageEncoder
from .mask_decoder import MaskDecoder

# SAM2Transforms: ToTensor (/255), Resize((1024, 1024)), Normalize with ImageNet statistics on the 0..1 values.
PIXEL_MEAN_01 = (0.485, 0.456, 0.406)
PIXEL_STD_01 = (0.229, 0.224, 0.225)


class Sam2(nn.Module):
    """no_mem_embed + image encoder + prompt encoder + mask decoder. State-dict keys and shapes equal the official
    checkpoints' image-path keys (same order); the video memory path is not built.

    The prompt encoder is SAM v1's (SAM 2's PromptEncoder has the same parameters and semantics)."""

    mask_threshold = 0.0

    def __init__(self, config: Sam2Config) -> None:
        super().__init__()
        self.config = config
        self.no_mem_embed = nn.Parameter(torch.zeros(1, 1, config.prompt_embed_dim))
        self.image_encoder = ImageEncoder(config)
        self.sam_prompt_encoder = PromptEncoder(config)  # duck-typed: prompt_embed_dim, embedding_grid, ...
        self.sam_mask_decoder = MaskDecoder(config)

    def image_features(self, image: torch.Tensor):
        """`SAM2ImagePredictor.set_image` after the transforms: normalised [1, 3, 1024, 1024] ->
        (image_embed [1, 256, 64, 64] with no_mem_embed added, high_res_feats_0 [1, 32, 256, 256],
        high_res_feats_1 [1, 64, 128, 128])."""
        fpn = self.image_encoder(image)
        feat_s0 = self.sam_mask_decoder.conv_s0(fpn[0])
        feat_s1 = self.sam_mask_decoder.conv_s1(fpn[1])
        image_embed = fpn[-1] + self.no_mem_embed.reshape(1, -1, 1, 1)
        return image_embed, feat_s0, feat_s1


def randomize_(model: Sam2, seed: int) -> Sam2:
    """Deterministic random weights for benchmarks and tests: PyTorch's default uniform bounds for linear and conv
    layers, N(0, 1) for embeddings and the Fourier matrix, N(0, 0.02) for the position tables and no_mem_embed."""
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
            if name.endswith(("pos_embed", "pos_embed_window", "no_mem_embed")):
                tensor.normal_(0.0, 0.02, generator=generator)
        gaussian = model.sam_prompt_encoder.pe_layer.positional_encoding_gaussian_matrix
        gaussian.copy_(torch.randn(gaussian.shape, generator=generator))
    return model


def round_to_fp16_(model: Sam2) -> Sam2:
    """Rounds every float tensor to the nearest float16 value (kept as float32), so that an `--fp16` export of the
    model stores its weights exactly: the committed tiny fixture is half the size and still equals PyTorch."""
    with torch.no_grad():
        for tensor in list(model.parameters()) + list(model.buffers()):
            if tensor.is_floating_point():
                tensor.copy_(tensor.half().float())
    return model


def build_sam2(model_type: str, checkpoint: Optional[str] = None, seed: Optional[int] = None,
               allow_pickle: bool = False) -> Sam2:
    """Builds `model_type` (sam2.1_hiera_t/s/b+/l, sam2_tiny) in eval mode; with `checkpoint`, loads the image-path
    keys of an official-layout checkpoint (see checkpoint.load_into); with `seed`, fills random weights."""
    if model_type not in CONFIGS:
        raise ValueError(f"Expected a SAM 2.1 model type in {sorted(CONFIGS)}; got {model_type!r}")
    model = Sam2(CONFIGS[model_type])
    if seed is not None:
        randomize_(model, seed)
    if checkpoint is not None:
        from .checkpoint import load_into

        load_into(model, checkpoint, allow_pickle=allow_pickle)
    return model.eval()


sam2_model_registry: Dict[str, object] = {
    name: (lambda checkpoint=None, seed=None, _n=name: build_sam2(_n, checkpoint, seed)) for name in CONFIGS
}
