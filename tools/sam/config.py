"""Architecture settings of the SAM v1 family (ViT-B/L/H) and a tiny test configuration."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Tuple


@dataclass(frozen=True)
class SamConfig:
    """Hyper-parameters that decide the module tree, and so the state-dict keys and shapes.

    The prompt encoder and mask decoder of every SAM v1 checkpoint use a 256-wide embedding on a
    64 x 64 grid for a 1024 x 1024 input; the ONNX contract of the SDK depends on those numbers, so
    only the image encoder changes between configurations.
    """

    name: str
    encoder_embed_dim: int
    encoder_depth: int
    encoder_num_heads: int
    encoder_global_attn_indexes: Tuple[int, ...]
    window_size: int = 14
    image_size: int = 1024
    patch_size: int = 16
    mlp_ratio: float = 4.0
    prompt_embed_dim: int = 256
    mask_in_chans: int = 16
    decoder_depth: int = 2
    decoder_num_heads: int = 8
    decoder_mlp_dim: int = 2048
    attention_downsample_rate: int = 2
    num_multimask_outputs: int = 3
    iou_head_depth: int = 3
    iou_head_hidden_dim: int = 256

    @property
    def embedding_grid(self) -> int:
        """Side of the square token grid the image encoder produces (64 for 1024 / 16)."""
        return self.image_size // self.patch_size


VIT_B = SamConfig("vit_b", 768, 12, 12, (2, 5, 8, 11))
VIT_L = SamConfig("vit_l", 1024, 24, 16, (5, 11, 17, 23))
VIT_H = SamConfig("vit_h", 1280, 32, 16, (7, 15, 23, 31))
# Tiny encoder for fast tests: two blocks, the second one global. The prompt encoder and the mask
# decoder keep their real sizes (they are cheap and the ONNX contract needs 256 x 64 x 64 embeddings),
# so a tiny export has exactly the same decoder signature and decoder weights layout as ViT-B.
TINY = SamConfig("tiny", 64, 2, 2, (1,))

CONFIGS: Dict[str, SamConfig] = {c.name: c for c in (VIT_B, VIT_L, VIT_H, TINY)}
