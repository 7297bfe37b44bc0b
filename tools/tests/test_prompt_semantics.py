"""PyTorch-side checks of the decoder graph's semantics (no ONNX Runtime needed)."""

from __future__ import annotations

import pytest
import onnx  # noqa: F401  (before torch: see tools/sam/__init__.py)
import torch
from torch.nn import functional as F

from sam.onnx_modules import DecoderGraph, example_decoder_inputs, resized_frame, select_single_mask


def test_labelled_points_match_prompt_encoder_with_padding(tiny_model):
    encoder = tiny_model.prompt_encoder
    coords = torch.tensor([[[100.0, 200.0], [300.5, 40.25]]])
    labels = torch.tensor([[1.0, 0.0]])
    with torch.no_grad():
        sparse, _ = encoder(points=(coords, labels), boxes=None, masks=None)
        padded = encoder.embed_labelled_points(
            torch.tensor([[[100.0, 200.0], [300.5, 40.25], [0.0, 0.0]]]), torch.tensor([[1.0, 0.0, -1.0]]))
    assert torch.allclose(sparse, padded, atol=1e-6)
    assert torch.equal(padded[0, 2], encoder.not_a_point_embed.weight[0])


def test_box_is_two_corners_labelled_2_and_3(tiny_model):
    encoder = tiny_model.prompt_encoder
    box = torch.tensor([[10.0, 20.0, 500.0, 600.0]])
    with torch.no_grad():
        sparse, _ = encoder(points=None, boxes=box, masks=None)
        corners = encoder.embed_labelled_points(torch.tensor([[[10.0, 20.0], [500.0, 600.0]]]), torch.tensor([[2.0, 3.0]]))
    assert torch.allclose(sparse, corners, atol=1e-6)


@pytest.mark.parametrize("has_mask", [0.0, 1.0])
def test_has_mask_input_blends_mask_embedding_with_no_mask_embed(tiny_model, has_mask):
    encoder = tiny_model.prompt_encoder
    mask = torch.randn(1, 1, 256, 256, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        dense = encoder.embed_mask(mask, torch.tensor([has_mask]))
        expected = encoder(points=None, boxes=torch.zeros(1, 4), masks=mask if has_mask else None)[1]
    assert dense.shape == (1, 256, 64, 64)
    assert torch.allclose(dense, expected, atol=1e-6)


@pytest.mark.parametrize("h, w", [(150, 200), (200, 150), (1024, 1024), (450, 600), (333, 1000), (7, 3000)])
def test_resized_frame_is_round_half_up_of_long_side_scale(h, w):
    scale = 1024 / max(h, w)
    expected = (int(h * scale + 0.5), int(w * scale + 0.5))
    assert tuple(resized_frame(torch.tensor([float(h), float(w)]), 1024).tolist()) == expected


def test_single_mask_rule_picks_best_of_1_to_3_for_two_points_and_mask_0_from_three():
    masks = torch.arange(4.0).reshape(1, 4, 1, 1).expand(1, 4, 2, 2)
    iou = torch.tensor([[0.1, 0.2, 0.9, 0.3]])
    two, two_iou = select_single_mask(masks, iou, torch.tensor([2.0]))
    three, three_iou = select_single_mask(masks, iou, torch.tensor([3.0]))
    assert two[0, 0, 0, 0].item() == 2.0 and two_iou.item() == pytest.approx(0.9)
    assert three[0, 0, 0, 0].item() == 0.0 and three_iou.item() == pytest.approx(0.1)
    assert two.shape == (1, 1, 2, 2)


def test_upsampling_crops_to_the_resized_frame_then_resizes_to_original(tiny_model):
    inputs = example_decoder_inputs(num_points=2, orig_size=(150, 200))
    graph = DecoderGraph(tiny_model)
    with torch.no_grad():
        masks, iou, low_res = graph(*inputs)
    step = F.interpolate(low_res, size=(1024, 1024), mode="bilinear", align_corners=False)[..., :768, :1024]
    expected = F.interpolate(step, size=(150, 200), mode="bilinear", align_corners=False)
    assert masks.shape == (1, 4, 150, 200) and iou.shape == (1, 4) and low_res.shape == (1, 4, 256, 256)
    assert torch.equal(masks, expected)


def test_single_mask_graph_returns_the_multimask_output_the_rule_picks(tiny_model):
    for num_points in (2, 3):
        inputs = example_decoder_inputs(num_points=num_points, orig_size=(120, 90), seed=num_points)
        with torch.no_grad():
            multi = DecoderGraph(tiny_model)(*inputs)
            single = DecoderGraph(tiny_model, single_mask=True)(*inputs)
        score = multi[1] + (num_points - 2.5) * torch.tensor([[1000.0, 0, 0, 0]])
        best = int(score.argmax())
        assert torch.allclose(single[0], multi[0][:, best : best + 1], atol=1e-6)  # upsampled 1 vs 4 channels
        assert torch.equal(single[2], multi[2][:, best : best + 1])
