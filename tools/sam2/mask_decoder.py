"""SAM 2.1 mask decoder (`sam_mask_decoder`): the two-way transformer over [obj_score, iou, 4 mask] tokens plus the
prompt tokens, upscaling with the high-resolution features added (dc1 + feat_s1, dc2 + feat_s0), hypernetwork MLPs,
an IoU head with a sigmoid, and the multimask / dynamic single-mask rules of `MaskDecoder.forward`.

`conv_s0` / `conv_s1` belong to this module in the state dict but run at image-encoding time (see model.py)."""

from __future__ import annotations

from typing import Sequence, Tuple

import onnx  # noqa: F401  (before torch: see tools/sam/__init__.py)
import torch
from torch import nn

from sam.layers import ChannelLayerNorm, StackedLinear
from sam.mask_decoder import TokenAttention, TwoWayBlock

from .config import Sam2Config


class Sam2TwoWayBlock(TwoWayBlock):
    """SAM v1's two-way block with SAM 2's MLP naming (`mlp.layers.0/1`, ReLU between) and configurable
    self-attention width (1 in every official size)."""

    def __init__(self, dim: int, num_heads: int, mlp_dim: int, self_downsample: int, downsample_rate: int,
                 skip_first_pe: bool) -> None:
        super().__init__(dim, num_heads, mlp_dim, downsample_rate, skip_first_pe)
        self.self_attn = TokenAttention(dim, num_heads, self_downsample)
        self.mlp = StackedLinear(dim, mlp_dim, dim, 2)


class Sam2TwoWayTransformer(nn.Module):
    """Stack of two-way blocks followed by a last token->image attention (keys as in SAM 2's TwoWayTransformer)."""

    def __init__(self, config: Sam2Config) -> None:
        super().__init__()
        dim = config.prompt_embed_dim
        self.layers = nn.ModuleList(
            Sam2TwoWayBlock(dim, config.decoder_num_heads, config.decoder_mlp_dim,
                            config.self_attention_downsample_rate, config.attention_downsample_rate,
                            skip_first_pe=(index == 0))
            for index in range(config.decoder_depth)
        )
        self.final_attn_token_to_image = TokenAttention(dim, config.decoder_num_heads, config.attention_downsample_rate)
        self.norm_final_attn = nn.LayerNorm(dim)

    def forward(self, image: torch.Tensor, image_pe: torch.Tensor, tokens: torch.Tensor):
        keys = image.flatten(2).permute(0, 2, 1)
        key_pe = image_pe.flatten(2).permute(0, 2, 1)
        queries = tokens
        for layer in self.layers:
            queries, keys = layer(queries, keys, tokens, key_pe)
        attn = self.final_attn_token_to_image(queries + tokens, keys + key_pe, keys)
        return self.norm_final_attn(queries + attn), keys


def stability_scores(mask_logits: torch.Tensor, delta: float) -> torch.Tensor:
    """count(logit > delta) / count(logit > -delta) per mask over the last two axes; 1 when nothing exceeds -delta."""
    flat = mask_logits.flatten(-2)
    inner = torch.sum(flat > delta, dim=-1).float()
    outer = torch.sum(flat > -delta, dim=-1).float()
    return torch.where(outer > 0, inner / outer.clamp(min=1.0), torch.ones_like(outer))


def select_masks(masks: torch.Tensor, iou: torch.Tensor, multimask_output: bool, delta: float = 0.05,
                 thresh: float = 0.98) -> Tuple[torch.Tensor, torch.Tensor]:
    """SAM 2's rules on all 4 tokens ([B, 4, h, w] logits, [B, 4] IoUs): multimask -> tokens 1..3 (unsorted);
    single -> token 0 when its stability score >= thresh, else the token among 1..3 with the highest IoU
    (first on ties). Returns (masks [B, K, h, w], iou [B, K])."""
    if multimask_output:
        return masks[:, 1:], iou[:, 1:]
    best = torch.argmax(iou[:, 1:], dim=-1) + 1
    rows = torch.arange(masks.shape[0])
    best_masks, best_iou = masks[rows, best].unsqueeze(1), iou[rows, best].unsqueeze(1)
    stable = stability_scores(masks[:, 0:1], delta) >= thresh  # [B, 1]
    chosen_masks = torch.where(stable[..., None, None].expand_as(best_masks), masks[:, 0:1], best_masks)
    chosen_iou = torch.where(stable, iou[:, 0:1], best_iou)
    return chosen_masks, chosen_iou


class MaskDecoder(nn.Module):
    """Predicts the logits of all 4 mask tokens [B, 4, 256, 256], their IoUs [B, 4] (sigmoid) and the object score."""

    def __init__(self, config: Sam2Config) -> None:
        super().__init__()
        dim = config.prompt_embed_dim
        hidden = config.head_hidden_dim
        self.config = config
        self.transformer = Sam2TwoWayTransformer(config)
        self.num_mask_tokens = config.num_multimask_outputs + 1
        self.iou_token = nn.Embedding(1, dim)
        self.mask_tokens = nn.Embedding(self.num_mask_tokens, dim)
        self.obj_score_token = nn.Embedding(1, dim)
        self.output_upscaling = nn.Sequential(
            nn.ConvTranspose2d(dim, dim // 4, kernel_size=2, stride=2),
            ChannelLayerNorm(dim // 4),
            nn.GELU(),
            nn.ConvTranspose2d(dim // 4, dim // 8, kernel_size=2, stride=2),
            nn.GELU(),
        )
        self.conv_s0 = nn.Conv2d(dim, dim // 8, kernel_size=1)
        self.conv_s1 = nn.Conv2d(dim, dim // 4, kernel_size=1)
        self.output_hypernetworks_mlps = nn.ModuleList(
            StackedLinear(dim, hidden, dim // 8, 3) for _ in range(self.num_mask_tokens))
        self.iou_prediction_head = StackedLinear(dim, hidden, self.num_mask_tokens, 3)
        self.pred_obj_score_head = StackedLinear(dim, hidden, 1, 3)

    def predict_masks(
        self, image_embed: torch.Tensor, image_pe: torch.Tensor, sparse: torch.Tensor, dense: torch.Tensor,
        high_res_features: Sequence[torch.Tensor],
    ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """All 4 masks [B, 4, 256, 256], IoUs [B, 4] in 0..1 and object score logits [B, 1]. B = prompt sets; the
        image features (batch 1) are shared by all of them."""
        prompts = sparse.shape[0]
        output_tokens = torch.cat([self.obj_score_token.weight, self.iou_token.weight, self.mask_tokens.weight], dim=0)
        tokens = torch.cat([output_tokens.unsqueeze(0).expand(prompts, -1, -1), sparse], dim=1)
        if image_embed.shape[0] != prompts:
            image_embed = image_embed.expand(prompts, -1, -1, -1)
        src = image_embed + dense
        pos = image_pe.expand(prompts, -1, -1, -1) if image_pe.shape[0] != prompts else image_pe
        batch, channels, height, width = src.shape

        hs, src = self.transformer(src, pos, tokens)
        iou_token_out = hs[:, 1, :]
        mask_tokens_out = hs[:, 2: 2 + self.num_mask_tokens, :]

        feat_s0, feat_s1 = high_res_features
        dc1, ln1, act1, dc2, act2 = self.output_upscaling
        src = src.transpose(1, 2).reshape(batch, channels, height, width)
        upscaled = act1(ln1(dc1(src) + feat_s1))
        upscaled = act2(dc2(upscaled) + feat_s0)

        hyper_in = torch.stack(
            [mlp(mask_tokens_out[:, index, :]) for index, mlp in enumerate(self.output_hypernetworks_mlps)], dim=1)
        batch, up_channels, up_h, up_w = upscaled.shape
        masks = torch.matmul(hyper_in, upscaled.reshape(batch, up_channels, up_h * up_w)).reshape(batch, -1, up_h, up_w)
        iou = torch.sigmoid(self.iou_prediction_head(iou_token_out))
        object_score = self.pred_obj_score_head(hs[:, 0, :])
        return masks, iou, object_score

    def forward(self, image_embed, image_pe, sparse, dense, high_res_features, multimask_output: bool):
        """Like SAM 2's MaskDecoder.forward in eval mode: (masks, iou) chosen by `select_masks`."""
        masks, iou, _ = self.predict_masks(image_embed, image_pe, sparse, dense, high_res_features)
        return select_masks(masks, iou, multimask_output, self.config.stability_delta, self.config.stability_thresh)
