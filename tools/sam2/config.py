"""Architecture settings of the SAM 2.1 image path (Hiera-T/S/B+/L) and a tiny test configuration.

Values from the official configs `sam2/configs/sam2.1/sam2.1_hiera_{t,s,b+,l}.yaml` (see
../shared/reference/README.md): the sizes differ only in the Hiera trunk."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Tuple


@dataclass(frozen=True)
class Sam2Config:
    """Hyper-parameters that decide the module tree, and so the state-dict keys and shapes.

    The ONNX contract fixes the interfaces (256-channel 64 x 64 `image_embed`, 32- and 64-channel high-resolution
    features, 4 mask tokens, 256 x 256 low-resolution masks); the `tiny` configuration keeps them and shrinks only
    the trunk and the decoder's inner widths, so its export has exactly the real graphs' signatures."""

    name: str
    embed_dim: int
    num_heads: int
    stages: Tuple[int, ...]
    global_att_blocks: Tuple[int, ...]
    window_pos_embed_bkg_spatial_size: Tuple[int, int]
    window_spec: Tuple[int, ...] = (8, 4, 14, 7)
    q_pool: int = 3
    q_stride: Tuple[int, int] = (2, 2)
    dim_mul: float = 2.0
    head_mul: float = 2.0
    mlp_ratio: float = 4.0
    image_size: int = 1024
    prompt_embed_dim: int = 256
    mask_in_chans: int = 16
    fpn_top_down_levels: Tuple[int, ...] = (2, 3)
    scalp: int = 1
    decoder_depth: int = 2
    decoder_num_heads: int = 8
    decoder_mlp_dim: int = 2048
    self_attention_downsample_rate: int = 1
    attention_downsample_rate: int = 2
    head_hidden_dim: int = 256  # hidden width of the hypernetwork, IoU and object-score MLPs
    num_multimask_outputs: int = 3
    # dynamic multimask via stability (build_sam.py: build_sam2, apply_postprocessing=True)
    stability_delta: float = 0.05
    stability_thresh: float = 0.98

    @property
    def embedding_grid(self) -> int:
        """Side of the lowest-resolution feature map the decoder uses (64 for 1024 / 16)."""
        return self.image_size // 16

    @property
    def backbone_channel_list(self) -> Tuple[int, ...]:
        """Trunk output widths, lowest resolution first (the neck's `backbone_channel_list`: 8e, 4e, 2e, e)."""
        widths = [int(self.embed_dim * self.dim_mul ** i) for i in range(len(self.stages))]
        return tuple(reversed(widths))


HIERA_T = Sam2Config("sam2.1_hiera_t", 96, 1, (1, 2, 7, 2), (5, 7, 9), (7, 7))
HIERA_S = Sam2Config("sam2.1_hiera_s", 96, 1, (1, 2, 11, 2), (7, 10, 13), (7, 7))
HIERA_B_PLUS = Sam2Config("sam2.1_hiera_b+", 112, 2, (2, 3, 16, 3), (12, 16, 20), (14, 14))
HIERA_L = Sam2Config("sam2.1_hiera_l", 144, 2, (2, 6, 36, 4), (23, 33, 43), (7, 7), window_spec=(8, 4, 16, 8))
# Tests only: one block per stage (the stage-3 block global, the others windowed, with window padding at
# stages 3 and 4 as in Hiera-T), an 8-wide trunk, and a decoder with narrow inner widths. Interfaces as above.
TINY = Sam2Config(
    "sam2_tiny", 8, 1, (1, 1, 1, 1), (2,), (7, 7), window_spec=(8, 4, 14, 7),
    decoder_depth=2, decoder_mlp_dim=16, self_attention_downsample_rate=16, attention_downsample_rate=16,
    head_hidden_dim=16,
)

CONFIGS: Dict[str, Sam2Config] = {c.name: c for c in (HIERA_T, HIERA_S, HIERA_B_PLUS, HIERA_L, TINY)}
