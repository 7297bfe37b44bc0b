"""Loading official SAM 2.1 checkpoints (`{"model": state_dict}`, build_sam.py: _load_checkpoint) into the
image-path module tree: the video memory-path keys are set aside (returned), every other key must match exactly."""

from __future__ import annotations

from typing import Dict, List, Mapping, Tuple

import onnx  # noqa: F401  (before torch: see tools/sam/__init__.py)
import torch

from sam.checkpoint import _torch_load

from .config import CONFIGS

# Keys (prefixes) only the video predictor uses (../shared/reference/README.md, "State-dict tables").
MEMORY_PATH_PREFIXES = (
    "memory_attention.", "memory_encoder.", "obj_ptr_proj.", "obj_ptr_tpos_proj.", "mask_downsample.",
)
MEMORY_PATH_KEYS = ("maskmem_tpos_enc", "no_mem_pos_enc", "no_obj_ptr", "no_obj_embed_spatial")


def is_memory_path_key(key: str) -> bool:
    return key in MEMORY_PATH_KEYS or key.startswith(MEMORY_PATH_PREFIXES)


def extract_state_dict(loaded: object) -> Dict[str, torch.Tensor]:
    """The state dict inside what torch.load returned: `{"model": ...}` (official) or a bare state dict."""
    current = loaded
    if isinstance(current, Mapping) and "model" in current and isinstance(current["model"], Mapping):
        current = current["model"]
    if not isinstance(current, Mapping):
        raise ValueError(f"Expected a SAM 2.1 state dict (a mapping of names to tensors); got {type(current).__name__}")
    state = {k: v for k, v in current.items() if isinstance(k, str) and torch.is_tensor(v)}
    if not any(k.startswith("image_encoder.trunk.") for k in state):
        raise ValueError("Expected SAM 2.1 keys (image_encoder.trunk.*, sam_mask_decoder.*); got "
                         + ", ".join(list(state)[:5]))
    return {k: v.float() if v.is_floating_point() else v for k, v in state.items()}


def split_image_path(state: Mapping[str, torch.Tensor]) -> Tuple[Dict[str, torch.Tensor], List[str]]:
    """(image-path state dict, memory-path keys set aside, in their order)."""
    image = {k: v for k, v in state.items() if not is_memory_path_key(k)}
    return image, [k for k in state if is_memory_path_key(k)]


def infer_model_type(state: Mapping[str, torch.Tensor]) -> str:
    """sam2.1_hiera_t / s / b+ / l / sam2_tiny from the trunk width and block count."""
    width = state["image_encoder.trunk.pos_embed"].shape[1]
    depth = len({k.split(".")[3] for k in state if k.startswith("image_encoder.trunk.blocks.")})
    for name, config in CONFIGS.items():
        if config.embed_dim == width and sum(config.stages) == depth:
            return name
    raise ValueError(f"Expected a Hiera-T/S/B+/L trunk; got width {width} and {depth} blocks")


def load_image_path_state_dict(path: str, allow_pickle: bool = False) -> Tuple[Dict[str, torch.Tensor], List[str]]:
    """Reads a checkpoint file: (float32 image-path state dict, memory-path keys set aside)."""
    return split_image_path(extract_state_dict(_torch_load(path, allow_pickle)))


def load_state(model: torch.nn.Module, state: Mapping[str, torch.Tensor]) -> List[str]:
    """Loads an official-layout state dict strictly after setting the memory-path keys aside; returns those keys."""
    image, set_aside = split_image_path(state)
    expected = getattr(getattr(model, "config", None), "name", None)
    found = infer_model_type(image) if "image_encoder.trunk.pos_embed" in image else None
    if expected and found and expected != found:
        raise ValueError(f"Expected a {expected} checkpoint; got {found} weights")
    model.load_state_dict(image, strict=True)
    return set_aside


def load_into(model: torch.nn.Module, path: str, allow_pickle: bool = False) -> List[str]:
    return load_state(model, extract_state_dict(_torch_load(path, allow_pickle)))
