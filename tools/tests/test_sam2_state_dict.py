"""SAM 2.1: the image-path module tree's state-dict keys, shapes and dtypes equal the official checkpoints' image-path
rows (same order) for all four sizes, and an official-layout checkpoint loads with only the memory-path keys set aside."""

from __future__ import annotations

import os

import pytest
import onnx  # noqa: F401  (before torch: see tools/sam/__init__.py)
import torch

from sam2 import CONFIGS, Sam2, build_sam2
from sam2.checkpoint import (MEMORY_PATH_KEYS, infer_model_type, is_memory_path_key, load_image_path_state_dict,
                             load_into, load_state)

from conftest import structure_only

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "..", "shared", "reference")
SIZES = ["sam2.1_hiera_t", "sam2.1_hiera_s", "sam2.1_hiera_b+", "sam2.1_hiera_l"]
# (keys, image-path keys, image-path parameters in millions) from ../shared/reference/README.md
EXPECTED_COUNTS = {"sam2.1_hiera_t": (471, 311, 31.44), "sam2.1_hiera_s": (519, 359, 38.54),
                   "sam2.1_hiera_b+": (615, 455, 73.33), "sam2.1_hiera_l": (903, 743, 216.93)}


def table_rows(name: str):
    with open(os.path.join(HERE, "reference", f"{name}_state_dict.tsv"), encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    assert lines[0] == "key\tshape\tdtype"
    return [tuple(line.split("\t")) for line in lines[1:]]


def rows_of(model: torch.nn.Module):
    return [(key, "x".join(str(d) for d in value.shape), str(value.dtype).replace("torch.", ""))
            for key, value in model.state_dict().items()]


def shell(name: str) -> Sam2:
    with structure_only():
        return Sam2(CONFIGS[name])


def state_from_rows(rows, seed: int = 0):
    generator = torch.Generator().manual_seed(seed)
    return {key: torch.randn([int(d) for d in shape.split("x")], generator=generator) for key, shape, _ in rows}


@pytest.mark.parametrize("name", SIZES)
def test_image_path_state_dict_equals_official_table_exactly(name):
    rows = table_rows(name)
    image_rows = [row for row in rows if not is_memory_path_key(row[0])]
    keys, image_keys, millions = EXPECTED_COUNTS[name]
    assert (len(rows), len(image_rows)) == (keys, image_keys)
    model = shell(name)
    assert rows_of(model) == image_rows
    assert round(sum(p.numel() for p in model.state_dict().values()) / 1e6, 2) == millions


@pytest.mark.parametrize("name", SIZES)
def test_committed_table_copy_equals_shared_reference(name):
    shared = os.path.join(SHARED, f"{name}_state_dict.tsv")
    if not os.path.exists(shared):
        pytest.skip("shared reference tables not on this machine; the committed copies are used")
    with open(shared, encoding="utf-8") as a, open(os.path.join(HERE, "reference", f"{name}_state_dict.tsv"),
                                                   encoding="utf-8") as b:
        assert a.read() == b.read()


def test_memory_path_keys_are_the_documented_ones():
    rows = table_rows("sam2.1_hiera_t")
    memory = sorted({row[0].split(".")[0] for row in rows if is_memory_path_key(row[0])})
    assert memory == sorted(["memory_attention", "memory_encoder", "obj_ptr_proj", "obj_ptr_tpos_proj",
                             "mask_downsample", *MEMORY_PATH_KEYS])
    assert sum(1 for row in rows if is_memory_path_key(row[0])) == 160


def test_official_layout_checkpoint_loads_with_only_memory_keys_set_aside(tmp_path):
    rows = table_rows("sam2.1_hiera_t")
    state = state_from_rows(rows)
    path = str(tmp_path / "sam2.1_hiera_tiny.pt")
    torch.save({"model": state}, path)
    with structure_only():
        model = Sam2(CONFIGS["sam2.1_hiera_t"])
    set_aside = load_into(model, path)
    assert set_aside == [row[0] for row in rows if is_memory_path_key(row[0])] and len(set_aside) == 160
    loaded = model.state_dict()
    assert all(torch.equal(loaded[k], state[k]) for k in loaded)
    image_state, aside = load_image_path_state_dict(path)
    assert infer_model_type(image_state) == "sam2.1_hiera_t" and aside == set_aside


def test_a_missing_image_path_key_fails_and_names_it():
    state = state_from_rows(table_rows("sam2.1_hiera_t"))
    del state["sam_mask_decoder.obj_score_token.weight"]
    with structure_only():
        model = Sam2(CONFIGS["sam2.1_hiera_t"])
    with pytest.raises(RuntimeError, match="obj_score_token"):
        load_state(model, state)


def test_a_checkpoint_of_another_size_is_refused_by_name():
    state = state_from_rows(table_rows("sam2.1_hiera_s"))
    with structure_only():
        model = Sam2(CONFIGS["sam2.1_hiera_t"])
    with pytest.raises(ValueError, match="Expected a sam2.1_hiera_t checkpoint; got sam2.1_hiera_s"):
        load_state(model, state)


def test_a_sam_v1_checkpoint_is_refused(tmp_path):
    path = str(tmp_path / "v1.pth")
    torch.save({"image_encoder.pos_embed": torch.zeros(1, 64, 64, 768)}, path)
    with pytest.raises(ValueError, match="Expected SAM 2.1 keys"):
        build_sam2("sam2.1_hiera_t", checkpoint=path)


@pytest.mark.parametrize("name", SIZES)
def test_every_size_runs_forward_to_the_contract_shapes(name):
    """Eager forward of the image path at a 128 x 128 input (the trunk's windows pad, the position table interpolates
    to any grid), weights left uninitialised (only shapes matter): the neck and decoder widths of every size fit."""
    with structure_only():
        model = Sam2(CONFIGS[name]).eval()
    with torch.no_grad():
        image_embed, feat_s0, feat_s1 = model.image_features(torch.zeros(1, 3, 128, 128))
    assert (tuple(image_embed.shape), tuple(feat_s0.shape), tuple(feat_s1.shape)) == \
        ((1, 256, 8, 8), (1, 32, 32, 32), (1, 64, 16, 16))
