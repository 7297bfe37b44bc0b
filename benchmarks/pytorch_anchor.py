#!/usr/bin/env python3
"""PyTorch anchor for the SDK benchmarks: times the project's own PyTorch SAM (tools/sam) eagerly on CPU
with the same random weights (same type and seed) as the ONNX models the .NET suites run.

  /usr/bin/python3 benchmarks/pytorch_anchor.py --model vit_b --seed 0 --out .cache/pytorch-anchor-vit_b.json
  /usr/bin/python3 benchmarks/pytorch_anchor.py --tools /path/to/tools ...   # tools/ of another checkout

It times exactly the two graphs the exporter writes (tools/sam/onnx_modules.py EncoderGraph and
DecoderGraph, multimask, in-graph upsampling to the original size) under torch.no_grad(), with
torch.set_num_threads(2) by default. Inputs: a seeded preprocessed frame [1, 3, 1024, 1024] and one box
prompt on a 600 x 450 image, as in the .NET DecoderBenchmarks. Writes medians (and all samples) as JSON."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tools", default=os.environ.get("SKINSAM_TOOLS", os.path.join(REPO_ROOT, "tools")),
                        help="folder holding the sam package (default: <repo>/tools or $SKINSAM_TOOLS)")
    parser.add_argument("--model", default="vit_b", help="model type: tiny, vit_b, vit_l, vit_h (default vit_b)")
    parser.add_argument("--seed", type=int, default=0, help="random-init seed, as tools/export.py --seed (default 0)")
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    parser.add_argument("--encoder-runs", type=int, default=5, help="timed encoder runs after one warm-up (default 5)")
    parser.add_argument("--decoder-runs", type=int, default=20, help="timed decoder runs after two warm-ups (default 20)")
    parser.add_argument("--out", required=True, help="JSON file to write")
    return parser.parse_args(argv)


def timed(fn, runs: int, warmups: int, label: str):
    for _ in range(warmups):
        fn()
    samples = []
    for i in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000.0)
        print(f"{label} {i + 1}/{runs}: {samples[-1]:.1f} ms", file=sys.stderr, flush=True)
    return samples


def main(argv=None) -> int:
    args = parse_args(argv)
    if not os.path.isdir(os.path.join(args.tools, "sam")):
        print(f"Expected the sam package in {args.tools}/sam; got no such folder (use --tools)", file=sys.stderr)
        return 2
    sys.path.insert(0, args.tools)
    import torch  # noqa: E402
    from sam import build_sam  # noqa: E402
    from sam.onnx_modules import DecoderGraph, EncoderGraph  # noqa: E402

    torch.set_num_threads(args.threads)
    model = build_sam(args.model, seed=args.seed)
    encoder = EncoderGraph(model).eval()
    decoder = DecoderGraph(model).eval()

    generator = torch.Generator().manual_seed(1)
    image = torch.randn(1, 3, 1024, 1024, generator=generator)
    width, height = 600, 450
    scale = 1024.0 / max(width, height)
    new_w, new_h = int(width * scale + 0.5), int(height * scale + 0.5)
    sx, sy = new_w / width, new_h / height
    coords = torch.tensor([[[150 * sx, 100 * sy], [450 * sx, 350 * sy]]], dtype=torch.float32)
    labels = torch.tensor([[2.0, 3.0]])
    mask_input = torch.zeros(1, 1, 256, 256)
    has_mask = torch.zeros(1)
    orig = torch.tensor([float(height), float(width)])

    with torch.no_grad():
        embedding = encoder(image)
        encoder_ms = timed(lambda: encoder(image), args.encoder_runs, warmups=1, label="encoder")
        decoder_ms = timed(lambda: decoder(embedding, coords, labels, mask_input, has_mask, orig), args.decoder_runs, warmups=2, label="decoder")

    result = {
        "model": args.model,
        "seed": args.seed,
        "threads": args.threads,
        "torch": torch.__version__,
        "python": platform.python_version(),
        "machine": platform.processor() or platform.machine(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "encoderMedianMs": round(statistics.median(encoder_ms), 3),
        "decoderMedianMs": round(statistics.median(decoder_ms), 3),
        "encoderSamplesMs": [round(v, 3) for v in encoder_ms],
        "decoderSamplesMs": [round(v, 3) for v in decoder_ms],
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
    print(json.dumps({k: v for k, v in result.items() if not k.endswith("SamplesMs")}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
