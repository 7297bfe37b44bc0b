"""Every tools/ or benchmarks/ module that imports both torch and onnx (directly, or through the sam package, which
imports onnx first) must import onnx before torch: with Debian's python3-torch 2.x, which links the system's
libonnx, `import torch` first makes onnx.checker crash with a segmentation fault (seen with sid's torch 2.14.1 and
onnx 1.20.0; docs/models.md, "PyTorch versions"). Checked statically on the module-level imports."""

from __future__ import annotations

import ast
import os
from typing import List, Optional

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROOTS = ("tools", "benchmarks")


def _python_files() -> List[str]:
    found = []
    for root in ROOTS:
        for folder, dirs, files in os.walk(os.path.join(REPO, root)):
            dirs[:] = [d for d in dirs if d not in ("node_modules", "__pycache__", "bin", "obj")]
            found += [os.path.join(folder, f) for f in files if f.endswith(".py")]
    return sorted(found)


def _kind(node: ast.stmt) -> Optional[str]:
    """'torch' or 'onnx' ('sam' and 'sam2' count as onnx) for a module-level import of those packages, else None."""
    if isinstance(node, ast.Import):
        names = [alias.name.split(".")[0] for alias in node.names]
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        names = [node.module.split(".")[0]]
    else:
        return None
    if "torch" in names:
        return "torch"
    if "onnx" in names or "sam" in names or "sam2" in names:
        return "onnx"
    return None


def first_import_violation(source: str) -> Optional[str]:
    """None when the module imports onnx (or sam) before torch, or not both; else a sentence saying where."""
    kinds = [(node.lineno, _kind(node)) for node in ast.parse(source).body]
    kinds = [(line, kind) for line, kind in kinds if kind]
    if not any(kind == "onnx" for _, kind in kinds) or not any(kind == "torch" for _, kind in kinds):
        return None
    line, kind = kinds[0]
    return None if kind == "onnx" else f"line {line} imports torch before onnx/sam"


def test_the_rule_catches_torch_first():
    assert first_import_violation("import torch\nimport onnx\n") == "line 1 imports torch before onnx/sam"
    assert first_import_violation("import numpy\nfrom torch import nn\nfrom sam import build_sam\n") is not None
    assert first_import_violation("import onnx\nimport torch\n") is None
    assert first_import_violation("from sam import build_sam\nimport torch\n") is None
    assert first_import_violation("import torch\n") is None


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: os.path.relpath(p, REPO))
def test_onnx_is_imported_before_torch(path):
    with open(path, encoding="utf-8") as handle:
        violation = first_import_violation(handle.read())
    assert violation is None, f"{os.path.relpath(path, REPO)}: {violation}"


def test_sam_package_imports_onnx_before_its_modules():
    with open(os.path.join(REPO, "tools", "sam", "__init__.py"), encoding="utf-8") as handle:
        body = ast.parse(handle.read()).body
    imports = [node for node in body if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert isinstance(imports[0], ast.Import) and imports[0].names[0].name == "onnx"
