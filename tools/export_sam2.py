"""The SAM 2.1 branch of tools/export.py (`--model-type sam2.1_hiera_*` / `--random-init sam2.1_hiera_*`)."""

from __future__ import annotations

import json
import os
import time

import onnx  # noqa: F401  (before torch: see tools/sam/__init__.py)
import torch

from sam.checkpoint import sha256_of
from sam.exporting import OPSET, git_commit
from sam2 import build_sam2
from sam2.checkpoint import infer_model_type, load_image_path_state_dict
from sam2.exporting import Sam2ExportOptions, export_sam2_folder


def export_sam2_main(args, repo_root: str) -> int:
    started = time.perf_counter()
    tool = f"tools/export.py (opset {OPSET}, torch {torch.__version__}, git {git_commit(repo_root)})"
    set_aside = []
    if args.random_init:
        model_type = args.random_init
        out = args.out or os.path.join(repo_root, ".cache", "models", f"{model_type}-random-{args.seed}")
        model = build_sam2(model_type, seed=args.seed)
        licence = args.license_id or "CC0-1.0"
        provenance = (f"Random weights (seed {args.seed}) of the SAM 2.1 {model_type} image-path architecture, not a "
                      f"trained model: for speed and memory benchmarks only. Exported by {tool}.")
    else:
        if args.model_type == "auto":
            raise ValueError("Expected --model-type for a SAM 2.1 checkpoint")
        state, set_aside = load_image_path_state_dict(args.checkpoint, allow_pickle=args.allow_pickle)
        found = infer_model_type(state)
        if found != args.model_type:
            raise ValueError(f"Expected a {args.model_type} checkpoint; got {found} weights in {args.checkpoint}")
        model = build_sam2(args.model_type)
        model.load_state_dict(state, strict=True)
        model.eval()
        model_type, out = args.model_type, args.out
        licence = args.license_id or "Apache-2.0"
        provenance = (f"Checkpoint {os.path.basename(args.checkpoint)} (sha256 {sha256_of(args.checkpoint)}), SAM 2.1 "
                      f"{model_type} image path ({len(set_aside)} video memory-path keys not used). Exported by {tool}.")
    if args.fp16:
        provenance += " Weights stored as float16 (float32 I/O and arithmetic)."
    if args.note:
        provenance += " " + args.note
    options = Sam2ExportOptions(
        name=args.name or os.path.basename(os.path.normpath(out)), fp16=args.fp16, external_data=args.external_data,
        license=licence, provenance=provenance, validate_fp16=not args.no_validate)
    report = export_sam2_folder(model, out, options)
    summary = {
        "out": os.path.abspath(out),
        "modelType": model_type,
        "family": "sam2",
        "decoderVariant": "multimask",
        "memoryPathKeysSetAside": len(set_aside),
        "seconds": {k: round(v, 2) for k, v in report.seconds.items()},
        "totalSeconds": round(time.perf_counter() - started, 2),
        "bytes": report.bytes,
        "fp16MaxAbsDiff": report.fp16_max_abs_diff,
        "notes": report.notes,
    }
    print(json.dumps(summary, indent=2))
    return 0
