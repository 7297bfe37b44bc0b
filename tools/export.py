#!/usr/bin/env python3
"""Exports a SAM v1 checkpoint (SAM, MedSAM, SkinSAM), a SAM 2.1 checkpoint, or random weights to an SkinSam.Sdk
model folder.

  /usr/bin/python3 tools/export.py --checkpoint sam_vit_b_01ec64.pth --model-type vit_b --out models/sam-vit-b
  /usr/bin/python3 tools/export.py --random-init vit_h --seed 0          # -> .cache/models/vit_h-random-0/
  /usr/bin/python3 tools/export.py --checkpoint sam2.1_hiera_tiny.pt --model-type sam2.1_hiera_t --out models/sam2.1-t
  /usr/bin/python3 tools/export.py --random-init sam2.1_hiera_t --seed 0

See docs/models.md."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

TOOLS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(TOOLS_DIR)
sys.path.insert(0, TOOLS_DIR)

import onnx  # noqa: E402,F401  (before torch: see tools/sam/__init__.py)
import torch  # noqa: E402

from sam import CONFIGS, build_sam  # noqa: E402
from sam.checkpoint import infer_model_type, load_sam_state_dict, sha256_of  # noqa: E402
from sam.exporting import OPSET, ExportOptions, export_model_folder, git_commit  # noqa: E402
from sam.model import Sam  # noqa: E402
from sam2 import CONFIGS as SAM2_CONFIGS  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--checkpoint", help="PyTorch checkpoint (.pth): SAM, MedSAM (optionally {'model': ...}) or SkinSAM")
    source.add_argument("--random-init", choices=sorted(CONFIGS) + sorted(SAM2_CONFIGS), metavar="TYPE",
                        help="random weights of the real architecture, for benchmarks (vit_b, vit_l, vit_h, tiny, "
                             "sam2.1_hiera_t, sam2.1_hiera_s, sam2.1_hiera_b+, sam2.1_hiera_l, sam2_tiny)")
    parser.add_argument("--model-type", default="auto", choices=["auto"] + sorted(CONFIGS) + sorted(SAM2_CONFIGS),
                        help="architecture of --checkpoint; auto reads it from SAM v1 weights (default); a SAM 2.1 "
                             "checkpoint needs its type (sam2.1_hiera_t|s|b+|l)")
    parser.add_argument("--seed", type=int, default=0, help="seed for --random-init (default 0)")
    parser.add_argument("--out", help="output folder (default for --random-init: .cache/models/<type>-random-<seed>/)")
    masks = parser.add_mutually_exclusive_group()
    masks.add_argument("--single-mask", "--return-single-mask", dest="single_mask", action="store_true",
                       help="decoder returns K=1 chosen in the graph (score = iou + (N - 2.5) * 1000 on mask 0)")
    masks.add_argument("--low-res-only", action="store_true",
                       help="decoder returns only iou_predictions and low_res_masks (no orig_im_size input)")
    parser.add_argument("--decoder-batch-axis", action="store_true",
                        help="decoder inputs/outputs with a leading prompt-batch axis: DecodeBatch runs once for many prompts (model.json batchAxis)")
    parser.add_argument("--fp16", action="store_true",
                        help="store weights as float16 (inputs, outputs and arithmetic stay float32)")
    parser.add_argument("--no-validate", action="store_true", help="skip the fp16-vs-fp32 check (needs node)")
    parser.add_argument("--external-data", choices=["auto", "always", "never"], default="auto",
                        help="ONNX external data file <part>.onnx.data: auto when weights pass ~1.8 GB (ViT-H fp32)")
    parser.add_argument("--name", help="model.json name (default: the output folder's name)")
    parser.add_argument("--preprocessing", choices=["sam", "medsam"], default="sam",
                        help="model.json preprocessing profile (medsam for MedSAM-style fine-tunes)")
    parser.add_argument("--license", dest="license_id", help="SPDX licence of the weights (default Apache-2.0; CC0-1.0 for random)")
    parser.add_argument("--supports-no-prompt", action="store_true", help="decoder was trained to segment without a prompt")
    parser.add_argument("--note", default="", help="extra provenance text (training command, source URL)")
    parser.add_argument("--allow-pickle", action="store_true",
                        help="allow checkpoints that need full unpickling (only for files you trust)")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    args = parser.parse_args(argv)
    if args.checkpoint and not args.out:
        parser.error("--out is required with --checkpoint")
    if args.single_mask and args.preprocessing == "medsam":
        parser.error("--single-mask cannot be used with --preprocessing medsam: MedSAM decodes mask 0, while a single-mask "
                     "decoder chooses inside the graph by the official ONNX rule (the SDK refuses such a model)")
    sam2 = (args.random_init or args.model_type) in SAM2_CONFIGS
    if sam2 and (args.single_mask or args.low_res_only or args.preprocessing != "sam" or args.supports_no_prompt):
        parser.error("--single-mask, --low-res-only, --preprocessing and --supports-no-prompt apply to SAM v1 models "
                     "only: a SAM 2.1 folder always has the sam2 profile and a decoder returning all 4 mask tokens")
    args.sam2 = sam2
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    if args.sam2:
        from export_sam2 import export_sam2_main

        return export_sam2_main(args, REPO_ROOT)
    started = time.perf_counter()
    variant = "single-mask" if args.single_mask else "low-res-only" if args.low_res_only else "multimask"
    tool = f"tools/export.py (opset {OPSET}, torch {torch.__version__}, git {git_commit(REPO_ROOT)})"
    if args.random_init:
        model_type = args.random_init
        out = args.out or os.path.join(REPO_ROOT, ".cache", "models", f"{model_type}-random-{args.seed}")
        model: Sam = build_sam(model_type, seed=args.seed)
        licence = args.license_id or "CC0-1.0"
        provenance = (f"Random weights (seed {args.seed}) of the SAM v1 {model_type} architecture, not a trained "
                      f"model: for speed and memory benchmarks only. Exported by {tool}.")
    else:
        state = load_sam_state_dict(args.checkpoint, allow_pickle=args.allow_pickle)
        found = infer_model_type(state)
        model_type = found if args.model_type == "auto" else args.model_type
        if model_type != found:
            raise SystemExit(f"Expected a {model_type} checkpoint; got {found} weights in {args.checkpoint}")
        model = build_sam(model_type)
        model.load_state_dict(state, strict=True)
        model.eval()
        out = args.out
        licence = args.license_id or "Apache-2.0"
        digest = sha256_of(args.checkpoint)
        provenance = (f"Checkpoint {os.path.basename(args.checkpoint)} (sha256 {digest}), SAM v1 {model_type}. "
                      f"Exported by {tool}.")
    if args.fp16:
        provenance += " Weights stored as float16 (float32 I/O and arithmetic)."
    if args.note:
        provenance += " " + args.note
    options = ExportOptions(
        name=args.name or os.path.basename(os.path.normpath(out)),
        preprocessing=args.preprocessing,
        decoder_variant=variant,
        fp16=args.fp16,
        external_data=args.external_data,
        supports_no_prompt=args.supports_no_prompt,
        license=licence,
        provenance=provenance,
        validate_fp16=not args.no_validate,
        decoder_batch_axis=args.decoder_batch_axis,
    )
    report = export_model_folder(model, out, options)
    summary = {
        "out": os.path.abspath(out),
        "modelType": model_type,
        "decoderVariant": variant,
        "seconds": {k: round(v, 2) for k, v in report.seconds.items()},
        "totalSeconds": round(time.perf_counter() - started, 2),
        "bytes": report.bytes,
        "fp16MaxAbsDiff": report.fp16_max_abs_diff,
        "notes": report.notes,
    }
    print(json.dumps(summary, indent=2))
    return 0


def run(argv=None) -> int:
    """main() with bad input reported as one line on stderr and exit status 2, not a traceback."""
    try:
        return main(argv)
    except (FileNotFoundError, ValueError) as error:
        print(f"export.py: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(run())
