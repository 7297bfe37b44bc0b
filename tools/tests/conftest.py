"""Shared fixtures for the exporter tests: the tools/ folder on sys.path, 2 torch threads, the
onnxruntime-node runner, session-wide tiny exports, and a summary of measured parity numbers."""

from __future__ import annotations

import importlib.util
import os
import sys
from typing import List, Tuple

import pytest

TOOLS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if TOOLS_DIR not in sys.path:
    sys.path.insert(0, TOOLS_DIR)

import onnx  # noqa: E402,F401  (before torch: see tools/sam/__init__.py)
import torch  # noqa: E402

torch.set_num_threads(2)

from sam import build_sam  # noqa: E402
from sam import node_runtime  # noqa: E402
from sam.exporting import ExportOptions, export_model_folder  # noqa: E402

MEASURED: List[Tuple[str, str]] = []
TINY_SEED = 7


def load_export_cli():
    """tools/export.py loaded by its path. tools/train/export.py is a module named `export` too, and a bare
    `import export` would get whichever of the two a test collected earlier had put on sys.path."""
    spec = importlib.util.spec_from_file_location("skinsam_tools_export_cli", os.path.join(TOOLS_DIR, "export.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "vitb: real ViT-B-size export and parity (about a minute on 2 cores); runs by default, "
        "deselect with -m 'not vitb'")
    config.addinivalue_line(
        "markers", "hiera_t: real SAM 2.1 Hiera-T-size export and parity (about a minute on 2 cores); runs by default, "
        "deselect with -m 'not hiera_t'")


def pytest_terminal_summary(terminalreporter):
    if MEASURED:
        terminalreporter.write_sep("-", "measured numbers")
        for label, value in MEASURED:
            terminalreporter.write_line(f"{label}: {value}")


def record(label: str, value) -> None:
    """Adds a line to the 'measured numbers' section printed at the end of the run."""
    MEASURED.append((label, value if isinstance(value, str) else f"{value:.3g}"))


@pytest.fixture(scope="session")
def onnx_runtime():
    """The node-based ONNX Runtime runner; skips (only) when node or npm are not installed."""
    reason = node_runtime.missing_tools()
    if reason:
        pytest.skip(f"ONNX Runtime parity needs Node.js: {reason}")
    node_runtime.ensure_installed()
    return node_runtime.run_onnx


@pytest.fixture(scope="session")
def tiny_model():
    return build_sam("tiny", seed=TINY_SEED)


def _export(tmp_path_factory, model, name: str, parts=("encoder", "decoder"), encoder_example=None, **kwargs):
    out = str(tmp_path_factory.mktemp(name))
    report = export_model_folder(model, out, ExportOptions(name=name, provenance="test export", **kwargs), parts,
                                 encoder_example)
    return out, report


@pytest.fixture(scope="session")
def tiny_export(tmp_path_factory, tiny_model):
    return _export(tmp_path_factory, tiny_model, "tiny-multimask")


@pytest.fixture(scope="session")
def tiny_single_export(tmp_path_factory, tiny_model):
    return _export(tmp_path_factory, tiny_model, "tiny-single", parts=("decoder",), decoder_variant="single-mask")


@pytest.fixture(scope="session")
def export_folder(tmp_path_factory):
    """Exports a model with options (and optionally only some parts) for one-off variants."""
    def make(model, name, parts=("encoder", "decoder"), encoder_example=None, **kwargs):
        return _export(tmp_path_factory, model, name, parts, encoder_example, **kwargs)
    return make


class structure_only:
    """Builds modules without initialising Linear/Conv weights (memory stays untouched), for tests
    that only look at state-dict names and shapes or overwrite every weight by loading."""

    def __enter__(self):
        from torch.nn.modules.conv import _ConvNd

        self._saved = (torch.nn.Linear.reset_parameters, _ConvNd.reset_parameters)
        torch.nn.Linear.reset_parameters = lambda self: None
        _ConvNd.reset_parameters = lambda self: None
        return self

    def __exit__(self, *exc):
        from torch.nn.modules.conv import _ConvNd

        torch.nn.Linear.reset_parameters, _ConvNd.reset_parameters = self._saved
        return False
