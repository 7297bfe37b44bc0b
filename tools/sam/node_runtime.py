"""Runs ONNX models with ONNX Runtime for Node.js (tools/js/run_onnx.mjs).

Debian has no ONNX Runtime for Python, so the exporter tests and the fp16 check run the exported
graphs through the pinned npm package `onnxruntime-node` (tools/js/package.json + package-lock.json)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from typing import Dict, Optional, Tuple

import numpy as np

JS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "js")
RUNNER = os.path.join(JS_DIR, "run_onnx.mjs")


def missing_tools() -> Optional[str]:
    """None when node is on PATH and onnxruntime-node is installed or npm is there to install it; else a sentence
    saying which is missing."""
    installed = os.path.isdir(os.path.join(JS_DIR, "node_modules", "onnxruntime-node"))
    missing = [tool for tool in ("node",) + (() if installed else ("npm",)) if shutil.which(tool) is None]
    return None if not missing else f"{' and '.join(missing)} not found on PATH (needed to run onnxruntime-node)"


def ensure_installed() -> None:
    """Installs tools/js/node_modules from the lock file when it is absent (no CUDA download)."""
    if os.path.isdir(os.path.join(JS_DIR, "node_modules", "onnxruntime-node")):
        return
    env = dict(os.environ, ONNXRUNTIME_NODE_INSTALL="skip")
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=JS_DIR, env=env, check=True)


def run_onnx(model_path: str, inputs: Dict[str, np.ndarray], repeats: int = 1) -> Tuple[Dict[str, np.ndarray], dict]:
    """Runs `model_path` on `inputs` (name -> array) and returns (outputs, report) where report holds
    the runner's JSON line (loadMs, runMs, output shapes)."""
    ensure_installed()
    with tempfile.TemporaryDirectory(prefix="onnx-run-") as work:
        in_dir = os.path.join(work, "in")
        out_dir = os.path.join(work, "out")
        os.makedirs(in_dir)
        for name, value in inputs.items():
            np.save(os.path.join(in_dir, f"{name}.npy"), np.ascontiguousarray(value))
        completed = subprocess.run(
            ["node", RUNNER, os.path.abspath(model_path), in_dir, out_dir, str(repeats)],
            cwd=JS_DIR, capture_output=True, text=True,
        )
        if completed.returncode != 0:
            raise RuntimeError(f"onnxruntime-node failed on {model_path}:\n{completed.stderr[-4000:]}")
        report = json.loads(completed.stdout.strip().splitlines()[-1])
        outputs = {name: np.load(os.path.join(out_dir, f"{name}.npy")) for name in report["outputs"]}
    return outputs, report
