"""The module tree's state-dict keys, shapes and dtypes equal the official SAM checkpoints', and
the exporter's loader accepts SAM, MedSAM and SkinSAM checkpoint layouts with strict=True."""

from __future__ import annotations

import json
import os

import pytest
import onnx  # noqa: F401  (before torch: see tools/sam/__init__.py)
import torch

from sam import CONFIGS, build_sam
from sam.checkpoint import infer_model_type, load_into, load_sam_state_dict, sha256_of
from sam.model import Sam

from conftest import structure_only, load_export_cli

REFERENCE_TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "reference",
                               "sam_vit_b_state_dict.tsv")
TABLE_HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference", "sam_vit_b_state_dict.tsv")


def reference_rows():
    path = REFERENCE_TABLE if os.path.exists(REFERENCE_TABLE) else TABLE_HERE
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    assert lines[0] == "key\tshape\tdtype"
    return [tuple(line.split("\t")) for line in lines[1:]]


def rows_of(model: torch.nn.Module):
    return [
        (key, "x".join(str(d) for d in value.shape), str(value.dtype).replace("torch.", ""))
        for key, value in model.state_dict().items()
    ]


def shell(name: str) -> Sam:
    with structure_only():
        return Sam(CONFIGS[name])


def random_state_from_table(seed: int = 0):
    generator = torch.Generator().manual_seed(seed)
    state = {}
    for key, shape, dtype in reference_rows():
        assert dtype == "float32"
        state[key] = torch.randn([int(d) for d in shape.split("x")], generator=generator)
    return state


def test_vit_b_state_dict_equals_reference_table_exactly():
    assert rows_of(shell("vit_b")) == reference_rows()


def test_committed_table_copy_equals_shared_reference():
    if not os.path.exists(REFERENCE_TABLE):
        pytest.skip("shared reference table not on this machine; the committed copy is used")
    with open(REFERENCE_TABLE, encoding="utf-8") as a, open(TABLE_HERE, encoding="utf-8") as b:
        assert a.read() == b.read()


@pytest.mark.parametrize("name", ["vit_l", "vit_h"])
def test_larger_encoders_follow_the_vit_b_table_with_their_widths(name):
    """Expected rows come from the ViT-B table: block rows repeated per depth with the config's
    width, heads and global-attention indexes; prompt encoder and decoder rows unchanged."""
    config = CONFIGS[name]
    width, head_dim = config.encoder_embed_dim, config.encoder_embed_dim // config.encoder_num_heads
    base = reference_rows()
    block0 = [r for r in base if r[0].startswith("image_encoder.blocks.0.")]
    block_shapes = {
        "2304x768": f"{3 * width}x{width}", "768x768": f"{width}x{width}", "3072x768": f"{4 * width}x{width}",
        "768x3072": f"{width}x{4 * width}", "768": f"{width}", "3072": f"{4 * width}", "2304": f"{3 * width}",
    }
    other_encoder_shapes = {
        "1x64x64x768": f"1x64x64x{width}", "768x3x16x16": f"{width}x3x16x16", "768": f"{width}",
        "256x768x1x1": f"256x{width}x1x1",
    }
    expected = []
    blocks_done = False
    for key, shape, dtype in base:
        if key.startswith("image_encoder.blocks."):
            if not blocks_done:
                for index in range(config.encoder_depth):
                    rel = 127 if index in config.encoder_global_attn_indexes else 27
                    for bkey, bshape, bdtype in block0:
                        bshape = f"{rel}x{head_dim}" if bshape == "27x64" else block_shapes.get(bshape, bshape)
                        expected.append((bkey.replace("blocks.0.", f"blocks.{index}."), bshape, bdtype))
                blocks_done = True
            continue
        if key.startswith("image_encoder."):
            shape = other_encoder_shapes.get(shape, shape)
        expected.append((key, shape, dtype))
    assert rows_of(shell(name)) == expected


def test_registry_configs_have_official_sizes():
    assert [(c.encoder_embed_dim, c.encoder_depth, c.encoder_num_heads, c.encoder_global_attn_indexes)
            for c in (CONFIGS["vit_b"], CONFIGS["vit_l"], CONFIGS["vit_h"])] == [
        (768, 12, 12, (2, 5, 8, 11)), (1024, 24, 16, (5, 11, 17, 23)), (1280, 32, 16, (7, 15, 23, 31))]


@pytest.fixture(scope="module")
def table_checkpoint(tmp_path_factory):
    """A ViT-B-size checkpoint built from the reference table with random values (saved once)."""
    state = random_state_from_table()
    path = tmp_path_factory.mktemp("table") / "sam_vit_b_random.pth"
    torch.save(state, path)
    return str(path), state


def test_loader_loads_a_reference_table_checkpoint_strictly(table_checkpoint):
    path, state = table_checkpoint
    loaded = load_sam_state_dict(path)
    assert list(loaded) == list(state)
    assert infer_model_type(loaded) == "vit_b"
    model = shell("vit_b")
    load_into(model, path)  # load_state_dict(strict=True) inside
    for key in ("image_encoder.blocks.11.attn.rel_pos_h", "prompt_encoder.pe_layer.positional_encoding_gaussian_matrix",
                "mask_decoder.mask_tokens.weight"):
        assert torch.equal(model.state_dict()[key], state[key])


@pytest.mark.parametrize("layout", ["plain", "model-wrapped", "dataparallel-prefix", "with-pixel-buffers"])
def test_loader_accepts_checkpoint_layouts_strictly(tmp_path, layout):
    """plain: SAM / MedSAM medsam_vit_b.pth / SkinSAM; model-wrapped: MedSAM training checkpoints
    {"model": ..., "optimizer": ..., "epoch": ...}. Uses the tiny config to stay fast."""
    state = build_sam("tiny", seed=5).state_dict()
    if layout == "plain":
        saved = state
    elif layout == "model-wrapped":
        saved = {"model": state, "optimizer": {"state": {}, "param_groups": []}, "epoch": 3}
    elif layout == "dataparallel-prefix":
        saved = {"module." + k: v for k, v in state.items()}
    else:
        saved = dict(state, pixel_mean=torch.zeros(3, 1, 1), pixel_std=torch.ones(3, 1, 1))
    path = tmp_path / "checkpoint.pth"
    torch.save(saved, path)
    model = shell("tiny")
    load_into(model, str(path))
    assert all(torch.equal(model.state_dict()[k], v) for k, v in state.items())


def test_loader_names_the_model_type_a_checkpoint_has(table_checkpoint):
    with pytest.raises(ValueError, match="Expected a vit_l checkpoint; got a vit_b"):
        load_into(shell("vit_l"), table_checkpoint[0])


def test_loader_rejects_a_checkpoint_with_a_missing_key(tmp_path):
    state = build_sam("tiny", seed=5).state_dict()
    del state["mask_decoder.iou_token.weight"]
    path = tmp_path / "broken.pth"
    torch.save(state, path)
    with pytest.raises(RuntimeError, match="iou_token"):
        load_into(shell("tiny"), str(path))


def test_loader_rejects_a_file_without_sam_keys(tmp_path):
    path = tmp_path / "other.pth"
    torch.save({"backbone.weight": torch.zeros(2)}, path)
    with pytest.raises(ValueError, match="Expected keys starting with image_encoder"):
        load_sam_state_dict(str(path))


def test_cli_exports_a_checkpoint_and_names_it_in_provenance(tmp_path, capsys):
    export_cli = load_export_cli()

    model = build_sam("tiny", seed=3)
    checkpoint = tmp_path / "skinsam_tiny.pth"
    torch.save({"model": model.state_dict()}, checkpoint)
    out = tmp_path / "model"
    assert export_cli.main(["--checkpoint", str(checkpoint), "--model-type", "tiny", "--out", str(out),
                            "--preprocessing", "medsam"]) == 0
    manifest = json.loads((out / "model.json").read_text())
    assert manifest["preprocessing"] == "medsam"
    assert manifest["decoder"] == {"file": "decoder.onnx", "variant": "multimask", "batchAxis": False}
    assert "skinsam_tiny.pth" in manifest["provenance"]
    assert sha256_of(str(checkpoint)) in manifest["provenance"]
    assert sorted(os.listdir(out)) == ["decoder.onnx", "encoder.onnx", "model.json"]
    assert '"totalSeconds"' in capsys.readouterr().out
