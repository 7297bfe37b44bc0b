"""The exporter's documented command, end to end in a child process: a checkpoint file in, a model folder out
(docs/models.md), the ONNX encoder equal to PyTorch on the same weights, and specific errors for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import onnx  # noqa: F401  (before torch: see tools/sam/__init__.py)
import pytest
import torch

from sam import exporting
from sam.exporting import ExportOptions, export_model_folder

from conftest import TOOLS_DIR, record
from parity import EMBEDDING_TOLERANCE, max_abs_diff

EXPORT = os.path.join(TOOLS_DIR, "export.py")


def run_export(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, EXPORT, *args, "--threads", "2"], capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def medsam_style_checkpoint(tmp_path_factory, tiny_model):
    """The tiny model's weights saved the way MedSAM ships them: {'model': state_dict}."""
    path = tmp_path_factory.mktemp("ckpt") / "tiny_medsam_style.pth"
    torch.save({"model": tiny_model.state_dict()}, str(path))
    return str(path)


def test_checkpoint_to_model_folder(tmp_path, tiny_model, medsam_style_checkpoint, onnx_runtime):
    out = tmp_path / "exported"
    completed = run_export("--checkpoint", medsam_style_checkpoint, "--out", str(out))
    assert completed.returncode == 0, completed.stderr[-3000:]
    summary = json.loads(completed.stdout[completed.stdout.index("{"):])
    assert summary["modelType"] == "tiny" and summary["decoderVariant"] == "multimask"
    assert sorted(os.listdir(out)) == ["decoder.onnx", "encoder.onnx", "model.json"]
    manifest = json.loads((out / "model.json").read_text(encoding="utf-8"))
    assert manifest["name"] == "exported" and f"torch {torch.__version__}" in manifest["provenance"]

    image = torch.randn(1, 3, 1024, 1024, generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        expected = tiny_model.image_encoder(image)
    outputs, _ = onnx_runtime(str(out / "encoder.onnx"), {"image": image.numpy()})
    diff = max_abs_diff(outputs["image_embeddings"], expected)
    record(f"export.py CLI (torch {torch.__version__}) encoder max abs diff", diff)
    assert diff < EMBEDDING_TOLERANCE


def test_model_type_that_does_not_match_the_weights_is_refused(tmp_path, medsam_style_checkpoint):
    out = tmp_path / "wrong-type"
    completed = run_export("--checkpoint", medsam_style_checkpoint, "--model-type", "vit_b", "--out", str(out))
    assert completed.returncode != 0
    assert "Expected a vit_b checkpoint; got tiny weights" in completed.stderr
    assert not out.exists()


def test_missing_checkpoint_is_a_specific_error(tmp_path):
    missing = tmp_path / "nope.pth"
    out = tmp_path / "never"
    completed = run_export("--checkpoint", str(missing), "--out", str(out))
    assert completed.returncode == 2
    assert "error:" in completed.stderr and str(missing) in completed.stderr
    assert "Traceback" not in completed.stderr
    assert not out.exists()


def test_a_file_that_is_not_a_checkpoint_is_a_specific_error(tmp_path):
    bogus = tmp_path / "notes.pth"
    bogus.write_text("not a checkpoint", encoding="utf-8")
    out = tmp_path / "never"
    completed = run_export("--checkpoint", str(bogus), "--out", str(out))
    assert completed.returncode == 2
    assert "error:" in completed.stderr and "Traceback" not in completed.stderr
    assert not out.exists()


def broken_decoder(*args, **kwargs):
    raise RuntimeError("decoder trace failed (injected)")


def test_failed_export_leaves_no_new_folder(tmp_path, tiny_model, monkeypatch):
    monkeypatch.setattr(exporting, "_export_decoder", broken_decoder)
    out = tmp_path / "new-folder"
    with pytest.raises(RuntimeError, match="injected"):
        export_model_folder(tiny_model, str(out), ExportOptions(name="x", provenance="test"))
    assert not out.exists()


def test_failed_re_export_keeps_the_previous_model(tmp_path, tiny_model, monkeypatch):
    out = tmp_path / "model"
    export_model_folder(tiny_model, str(out), ExportOptions(name="first", provenance="test"), parts=("decoder",))
    before = {name: (out / name).read_bytes() for name in os.listdir(out)}
    monkeypatch.setattr(exporting, "_export_decoder", broken_decoder)
    with pytest.raises(RuntimeError, match="injected"):
        export_model_folder(tiny_model, str(out), ExportOptions(name="second", provenance="test"), parts=("decoder",))
    assert {name: (out / name).read_bytes() for name in os.listdir(out)} == before


def test_re_export_without_external_data_removes_the_old_data_file(tmp_path, tiny_model):
    out = tmp_path / "model"
    export_model_folder(tiny_model, str(out), ExportOptions(name="m", provenance="test", external_data="always"),
                        parts=("decoder",))
    assert sorted(os.listdir(out)) == ["decoder.onnx", "decoder.onnx.data", "model.json"]
    export_model_folder(tiny_model, str(out), ExportOptions(name="m", provenance="test", external_data="never"),
                        parts=("decoder",))
    assert sorted(os.listdir(out)) == ["decoder.onnx", "model.json"]
    onnx.checker.check_model(str(out / "decoder.onnx"))


def test_single_mask_with_medsam_preprocessing_is_refused(tmp_path):
    out = tmp_path / "medsam-single"
    completed = run_export("--random-init", "tiny", "--single-mask", "--preprocessing", "medsam", "--out", str(out))
    assert completed.returncode == 2
    assert "--single-mask cannot be used with --preprocessing medsam" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert not out.exists()
