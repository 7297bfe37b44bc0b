"""The decoder graph with a prompt-batch axis (export.py --decoder-batch-axis): B prompts against one embedding give
what B single-prompt runs give, for every variant, with and without mask inputs."""

from __future__ import annotations

import pytest
import onnx  # noqa: F401  (before torch: see tools/sam/__init__.py)
import torch

from sam.exporting import contract_output_shapes
from sam.onnx_modules import DecoderGraph, example_decoder_inputs


@pytest.mark.parametrize("variant", ["multimask", "single-mask", "low-res-only"])
def test_batched_graph_equals_single_prompt_runs(tiny_model, variant):
    single = DecoderGraph(tiny_model, single_mask=(variant == "single-mask"), low_res_only=(variant == "low-res-only")).eval()
    batched = DecoderGraph(tiny_model, single_mask=(variant == "single-mask"), low_res_only=(variant == "low-res-only"),
                           batch_axis=True).eval()
    embeddings, _, _, _, _, orig = example_decoder_inputs(num_points=3)
    generator = torch.Generator().manual_seed(1)
    coords = torch.rand(4, 3, 2, generator=generator) * 1024.0
    labels = torch.tensor([[1.0, 0.0, -1.0], [1.0, 1.0, -1.0], [2.0, 3.0, 1.0], [0.0, 1.0, -1.0]])
    masks = torch.randn(4, 1, 256, 256, generator=generator)
    has = torch.tensor([0.0, 1.0, 0.0, 1.0])
    with torch.no_grad():
        args = (embeddings, coords, labels, masks, has) + (() if variant == "low-res-only" else (orig,))
        out_b = batched(*args)
        for k in range(4):
            one = (embeddings, coords[k:k + 1], labels[k:k + 1], masks[k:k + 1], has[k:k + 1]) + (() if variant == "low-res-only" else (orig,))
            out_s = single(*one)
            for b, s in zip(out_b, out_s):
                assert b.shape[0] == 4 and s.shape[0] == 1
                assert torch.allclose(b[k:k + 1], s, atol=1e-5)


def test_contract_shapes_declare_the_batch_axis():
    assert contract_output_shapes("decoder", "multimask", batch_axis=True)["masks"] == ["batch", 4, "height", "width"]
    assert contract_output_shapes("decoder", "multimask")["iou_predictions"] == [1, 4]
