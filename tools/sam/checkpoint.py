"""Loading SAM, MedSAM and SkinSAM checkpoints into the project's module tree."""

from __future__ import annotations

import hashlib
import os
from typing import Dict, Mapping

import torch

from .config import CONFIGS

# Buffers some fine-tuning scripts save although the reference model does not persist them.
IGNORED_KEYS = ("pixel_mean", "pixel_std")
TOP_LEVEL_MODULES = ("image_encoder.", "prompt_encoder.", "mask_decoder.")
WRAPPER_KEYS = ("model", "state_dict", "model_state_dict", "sam")


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check_checkpoint_file(path: str) -> None:
    """Specific errors for a path that is not a PyTorch checkpoint at all, before torch.load guesses."""
    if not os.path.exists(path):
        raise FileNotFoundError(f"Expected a checkpoint file (.pth); no such file: {path}")
    if not os.path.isfile(path):
        raise ValueError(f"Expected a checkpoint file (.pth); got a directory or special file: {path}")
    with open(path, "rb") as handle:
        head = handle.read(4)
    # torch.save writes a zip archive (PK\x03\x04) since PyTorch 1.6, a pickle (protocol byte 0x80) before that
    if not (head.startswith(b"PK\x03\x04") or head[:1] == b"\x80"):
        kind = "an empty file" if not head else f"a file starting with bytes {head.hex()}"
        raise ValueError(f"Expected a PyTorch checkpoint (a zip archive or pickle written by torch.save); got {kind}: "
                         f"{path}")


def _torch_load(path: str, allow_pickle: bool) -> object:
    _check_checkpoint_file(path)
    if allow_pickle:
        return torch.load(path, map_location="cpu")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except TypeError:  # torch without weights_only
        return torch.load(path, map_location="cpu")
    except Exception as error:
        if "weights_only" not in str(error) and "Weights only" not in str(error):
            raise ValueError(f"Expected a readable PyTorch checkpoint; torch.load failed on {path}: {error}") from error
        # a pickle with objects other than tensors and containers
        raise ValueError(
            f"Expected a checkpoint holding only tensors and plain containers; got one that needs "
            f"arbitrary unpickling ({error}). Re-run with --allow-pickle if you trust {path}."
        ) from error


def extract_state_dict(loaded: object) -> Dict[str, torch.Tensor]:
    """Finds the SAM state dict in what torch.load returned: a plain state dict (SAM, MedSAM's
    medsam_vit_b.pth, SkinSAM), or a training checkpoint {"model": ..., "optimizer": ...}; strips a
    common prefix such as "module." (DataParallel) or "sam." and drops unpersisted buffers."""
    current = loaded
    for _ in range(3):
        if isinstance(current, Mapping) and not any(
            isinstance(k, str) and (k.startswith(TOP_LEVEL_MODULES) or ".image_encoder." in k) for k in current
        ):
            inner = next((current[k] for k in WRAPPER_KEYS if k in current and isinstance(current[k], Mapping)), None)
            if inner is None:
                break
            current = inner
    if not isinstance(current, Mapping):
        raise ValueError(f"Expected a state dict (a mapping of names to tensors); got {type(current).__name__}")
    state: Dict[str, torch.Tensor] = {}
    for key, value in current.items():
        if not isinstance(key, str) or not torch.is_tensor(value):
            continue
        state[key] = value
    prefixes = {key[: key.find(m)] for key in state for m in TOP_LEVEL_MODULES if m in key}
    if len(prefixes) == 1:
        prefix = prefixes.pop()
        if prefix:
            state = {key[len(prefix):]: value for key, value in state.items() if key.startswith(prefix)}
    elif not prefixes:
        raise ValueError(
            "Expected keys starting with image_encoder./prompt_encoder./mask_decoder.; got "
            + ", ".join(list(state)[:5])
        )
    for key in IGNORED_KEYS:
        state.pop(key, None)
    return {key: value.float() if value.is_floating_point() else value for key, value in state.items()}


def infer_model_type(state: Mapping[str, torch.Tensor]) -> str:
    """vit_b / vit_l / vit_h / tiny from the encoder width and depth."""
    width = state["image_encoder.pos_embed"].shape[-1]
    depth = len({k.split(".")[2] for k in state if k.startswith("image_encoder.blocks.")})
    for name, config in CONFIGS.items():
        if config.encoder_embed_dim == width and config.encoder_depth == depth:
            return name
    raise ValueError(f"Expected a ViT-B/L/H or tiny encoder; got width {width} and depth {depth}")


def load_sam_state_dict(path: str, allow_pickle: bool = False) -> Dict[str, torch.Tensor]:
    """Reads a checkpoint file and returns the float32 SAM state dict."""
    return extract_state_dict(_torch_load(path, allow_pickle))


def load_into(model: torch.nn.Module, path: str, allow_pickle: bool = False) -> None:
    """Loads `path` into `model` with strict=True, naming the model type the checkpoint has when it differs."""
    state = load_sam_state_dict(path, allow_pickle)
    expected = getattr(getattr(model, "config", None), "name", None)
    found = infer_model_type(state) if "image_encoder.pos_embed" in state else None
    if expected and found and expected != found:
        raise ValueError(f"Expected a {expected} checkpoint; got a {found} one in {path}")
    model.load_state_dict(state, strict=True)
