"""SkinSAM-Tiny: a light CNN encoder and a narrow SAM-style prompt decoder (SAM v1 ONNX contract).

Encoder: image [B,3,1024,1024] (SAM-normalised, zero-padded) -> 4x4 average pool (256x256) ->
MobileNet-style depthwise-separable CNN down to 16x16 with a top-down path back to 64x64
(128 semantic channels) + a fine 8-channel map at 256x256 packed by space-to-depth into the other
128 channels -> image_embeddings [B,256,64,64].

Decoder: prompt tokens (Fourier features of coords/1024 + label embeddings; padding ignored) pooled
into a prompt vector that FiLM-modulates the image features; a dense prompt prior rasterised from the
coords (soft box, ellipse in the box, box-relative coordinates, positive/negative point maps, the
mask_input); dilated depthwise-separable blocks at 64x64 and 32x32; upsampling head to 256x256 that
uses the fine channels; 4 mask logits and 4 IoU predictions.
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

EMB = 256
SEM = 128
FINE = 8  # channels at 256x256 -> FINE*16 = 128 embedding channels
NUM_MASKS = 4


class ConvBN(nn.Sequential):
    def __init__(self, cin, cout, k=1, s=1, groups=1, dilation=1, act=True):
        pad = dilation * (k - 1) // 2
        layers = [nn.Conv2d(cin, cout, k, s, pad, dilation=dilation, groups=groups, bias=False), nn.BatchNorm2d(cout)]
        if act:
            layers.append(nn.ReLU(inplace=True))
        super().__init__(*layers)


class DWBlock(nn.Module):
    """Depthwise 3x3 (+dilation) -> BN -> ReLU -> pointwise -> BN, residual when shapes match."""

    def __init__(self, cin, cout=None, s=1, dilation=1):
        super().__init__()
        cout = cout or cin
        self.dw = ConvBN(cin, cin, 3, s, groups=cin, dilation=dilation)
        self.pw = ConvBN(cin, cout, 1, act=False)
        self.res = s == 1 and cin == cout

    def forward(self, x):
        y = self.pw(self.dw(x))
        return F.relu(x + y) if self.res else F.relu(y)


def up2(x):
    return F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)


P1 = 96  # semantic channels (32x32 level, stored bilinearly upsampled to 64x64)
C0 = 32  # 64x64 features
RAW = 48  # 4x4 sub-pixels of the pooled 256x256 frame (space-to-depth)
FINE_CH = EMB - P1 - C0 - RAW  # 80 learned fine channels at 64x64


class Encoder(nn.Module):
    """Embedding channels: [0:96] context (32x32 level, upsampled), [96:128] c0, [128:208] fine,
    [208:256] raw sub-pixels of the 256x256 frame (space-to-depth 4)."""

    def __init__(self):
        super().__init__()
        self.c0 = nn.Sequential(ConvBN(RAW, C0), DWBlock(C0))  # 64x64
        self.c1 = nn.Sequential(DWBlock(C0, 64, s=2), DWBlock(64), DWBlock(64, dilation=2))  # 32
        self.c2 = nn.Sequential(DWBlock(64, 128, s=2), DWBlock(128, dilation=2), DWBlock(128))  # 16
        self.l2 = ConvBN(128, P1)
        self.l1 = ConvBN(64, P1)
        self.m1 = DWBlock(P1, dilation=2)
        self.fine = ConvBN(RAW + C0, FINE_CH)

    def forward_pooled(self, x):
        """x: [B,3,256,256], the 4x4 average pool of the preprocessed 1024 image."""
        s = F.pixel_unshuffle(x, 4)  # [B,48,64,64] raw sub-pixels
        c0 = self.c0(s)
        c1 = self.c1(c0)
        c2 = self.c2(c1)
        p1 = self.m1(self.l1(c1) + up2(self.l2(c2)))
        return torch.cat([up2(p1), c0, self.fine(torch.cat([s, c0], 1)), s], 1)

    def forward(self, image):
        return self.forward_pooled(F.avg_pool2d(image, 4))


class Decoder(nn.Module):
    """Returns low-res mask logits [B,4,256,256] and IoU predictions [B,4]."""

    def __init__(self, dim=64, width=64, nfreq=16):
        super().__init__()
        self.register_buffer("freqs", torch.randn(2, nfreq) * 4.0)
        self.label_emb = nn.Parameter(torch.randn(5, dim) * 0.2)  # labels -1,0,1,2,3
        self.no_prompt = nn.Parameter(torch.zeros(dim))
        self.tok = nn.Sequential(nn.Linear(2 * nfreq, dim), nn.ReLU(), nn.Linear(dim, dim))
        self.tok2 = nn.Sequential(nn.ReLU(), nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, dim))
        self.film = nn.Linear(2 * dim, 2 * width)
        self.inp = ConvBN(C0 + FINE_CH, 24)  # prompt-independent, 64x64
        self.inp32 = ConvBN(P1 + 24 + 1, width)
        ndense = 11
        self.fuse = ConvBN(width + ndense, width)
        self.b32 = nn.Sequential(DWBlock(width), DWBlock(width, dilation=2), DWBlock(width, dilation=4))
        self.b16 = nn.Sequential(DWBlock(width, 96, s=2), DWBlock(96, dilation=2))
        self.up16 = ConvBN(96, width)
        self.b32b = DWBlock(width)
        self.up64 = ConvBN(width, 24)
        self.b64 = DWBlock(24)
        self.head = nn.Conv2d(24, NUM_MASKS * 16, 1)
        nn.init.zeros_(self.head.weight)  # start from the ellipse/colour prior alone
        nn.init.zeros_(self.head.bias)
        self.col64 = nn.Conv2d(1, 24, 1)
        self.col_gain = nn.Parameter(torch.full((1, NUM_MASKS, 1, 1), 0.5))
        self.ell_gain = nn.Parameter(torch.full((1, NUM_MASKS, 1, 1), 3.0))
        self.box_gain = nn.Parameter(torch.zeros(1, NUM_MASKS, 1, 1))
        self.iou = nn.Sequential(nn.Linear(width + 2 * dim, 96), nn.ReLU(), nn.Linear(96, NUM_MASKS))
        g = (torch.arange(32, dtype=torch.float32) + 0.5) * 32.0
        self.register_buffer("grid32", g)
        self.register_buffer("grid64", (torch.arange(64, dtype=torch.float32) + 0.5) * 16.0)
        g2 = (torch.arange(256, dtype=torch.float32) + 0.5) * 4.0
        self.register_buffer("grid256", g2)

    def inp64(self, emb):
        """Prompt-independent 64x64 features: context channels pooled to 32x32 are concatenated later."""
        return self.inp(emb[:, P1 : P1 + C0 + FINE_CH])

    def prompt(self, coords, labels):
        """coords [B,N,2] (1024 frame), labels [B,N] -> (prompt vector [B,2*dim], geometry dict)."""
        c = coords / 1024.0
        proj = (2 * math.pi) * (c @ self.freqs)
        pe = self.tok(torch.cat([torch.sin(proj), torch.cos(proj)], -1))
        onehot = torch.stack([(labels == float(k)).float() for k in (-1, 0, 1, 2, 3)], -1)  # [B,N,5]
        tok = self.tok2(pe + onehot @ self.label_emb)
        valid = (labels >= 0).float().unsqueeze(-1)  # padding ignored
        nvalid = valid.sum(1)  # [B,1]
        mean = (tok * valid).sum(1) / nvalid.clamp(min=1.0)
        mx = (tok * valid - (1 - valid) * 1e4).max(1)[0] * (nvalid > 0).float()
        empty = (nvalid == 0).float()
        mean = mean + empty * self.no_prompt
        return torch.cat([mean, mx], -1), onehot, empty

    def dense(self, coords, onehot, empty, mask_input, has_mask_input, grid, tau):
        """Rasterised prompt prior on the grid (cell centres in the 1024 frame)."""
        x = coords[..., 0]
        y = coords[..., 1]
        neg, pos, tl, br = onehot[..., 1], onehot[..., 2], onehot[..., 3], onehot[..., 4]
        ntl = tl.sum(1, keepdim=True)
        nbr = br.sum(1, keepdim=True)
        has_box = (ntl > 0).float() * (nbr > 0).float()  # [B,1]
        x0 = (x * tl).sum(1, keepdim=True) / ntl.clamp(min=1.0)
        y0 = (y * tl).sum(1, keepdim=True) / ntl.clamp(min=1.0)
        x1 = (x * br).sum(1, keepdim=True) / nbr.clamp(min=1.0)
        y1 = (y * br).sum(1, keepdim=True) / nbr.clamp(min=1.0)
        gx = grid.view(1, 1, -1)  # [1,1,G]
        gy = grid.view(1, -1, 1)  # [1,G,1]
        hb = has_box.view(-1, 1, 1)
        bx = torch.sigmoid((gx - x0.view(-1, 1, 1)) / tau) * torch.sigmoid((x1.view(-1, 1, 1) - gx) / tau)
        by = torch.sigmoid((gy - y0.view(-1, 1, 1)) / tau) * torch.sigmoid((y1.view(-1, 1, 1) - gy) / tau)
        box = bx * by * hb  # [B,G,G]
        cx = ((x0 + x1) / 2).view(-1, 1, 1)
        cy = ((y0 + y1) / 2).view(-1, 1, 1)
        rx = ((x1 - x0) / 2 + 2.5).clamp(min=4.0).view(-1, 1, 1)
        ry = ((y1 - y0) / 2 + 2.5).clamp(min=4.0).view(-1, 1, 1)
        u = ((gx - cx) / rx).clamp(-3, 3) * hb
        v = ((gy - cy) / ry).clamp(-3, 3) * hb
        ell = (1 - (u * u + v * v)).clamp(-1, 1) * hb
        if mask_input is None:
            return torch.stack([box, ell], 1)
        # point maps: [B,N,G,G] -> max over N
        dx = gx.unsqueeze(1) - x.view(x.shape[0], -1, 1, 1)
        dy = gy.unsqueeze(1) - y.view(y.shape[0], -1, 1, 1)
        d2 = dx * dx + dy * dy
        near = torch.exp(-d2 / (2 * 48.0**2))
        far = torch.exp(-d2 / (2 * 160.0**2))
        pw = pos.view(pos.shape[0], -1, 1, 1)
        nw = neg.view(neg.shape[0], -1, 1, 1)
        pnear = (near * pw).max(1)[0]
        pfar = (far * pw).max(1)[0]
        nnear = (near * nw).max(1)[0]
        mi = F.avg_pool2d(mask_input, 8)[:, 0] * has_mask_input.view(-1, 1, 1)
        mi = torch.tanh(mi / 4.0)
        ones = torch.ones_like(box)
        hm = ones * has_mask_input.view(-1, 1, 1)
        emp = ones * empty.view(-1, 1, 1)
        return torch.stack([box, ell, u * ones, v * ones, pnear, pfar, nnear, mi, hm, emp, hb * ones], 1)

    def pre(self, emb):
        """Prompt-independent part: (context at 32x32, features at 64x64, the 256x256 frame)."""
        return F.avg_pool2d(emb[:, :P1], 2), self.inp64(emb), F.pixel_shuffle(emb[:, EMB - RAW :], 4)

    def colour_prior(self, img, coords, onehot):
        """Prompt-conditioned colour contrast on the 256x256 frame, about +1 for lesion-like colour.

        Lesion colour: mean inside the ellipse of the box, else near positive points, else the
        centre of the image; skin colour: mean outside the box / far from the points / near the
        border. Pixels are projected on the lesion-minus-skin colour axis.
        """
        img64 = F.avg_pool2d(img, 4)  # [B,3,64,64]
        content = (img64[:, :1].abs() > 1e-6).float()  # padding is exactly 0
        cw = content[:, 0, 0, :].sum(-1).view(-1, 1, 1) * 16.0  # content size in the 1024 frame
        chh = content[:, 0, :, 0].sum(-1).view(-1, 1, 1) * 16.0
        g = self.grid64
        gx = g.view(1, 1, -1)
        gy = g.view(1, -1, 1)
        x = coords[..., 0]
        y = coords[..., 1]
        neg, pos, tl, br = onehot[..., 1], onehot[..., 2], onehot[..., 3], onehot[..., 4]
        ntl = tl.sum(1, keepdim=True)
        nbr = br.sum(1, keepdim=True)
        hb = ((ntl > 0).float() * (nbr > 0).float()).view(-1, 1, 1)
        x0 = ((x * tl).sum(1, keepdim=True) / ntl.clamp(min=1.0)).view(-1, 1, 1)
        y0 = ((y * tl).sum(1, keepdim=True) / ntl.clamp(min=1.0)).view(-1, 1, 1)
        x1 = ((x * br).sum(1, keepdim=True) / nbr.clamp(min=1.0)).view(-1, 1, 1)
        y1 = ((y * br).sum(1, keepdim=True) / nbr.clamp(min=1.0)).view(-1, 1, 1)
        # without a box: the central part of the image content
        x0 = hb * x0 + (1 - hb) * 0.2 * cw
        x1 = hb * x1 + (1 - hb) * 0.8 * cw
        y0 = hb * y0 + (1 - hb) * 0.2 * chh
        y1 = hb * y1 + (1 - hb) * 0.8 * chh
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        rx, ry = ((x1 - x0) / 2).clamp(min=8.0), ((y1 - y0) / 2).clamp(min=8.0)
        e = ((gx - cx) / rx) ** 2 + ((gy - cy) / ry) ** 2  # [B,64,64]
        core = (1 - e / 0.5).clamp(0, 1)
        skin = ((e - 1.6) / 0.5).clamp(0, 1)
        d2 = (gx.unsqueeze(1) - x.view(x.shape[0], -1, 1, 1)) ** 2 + (gy.unsqueeze(1) - y.view(y.shape[0], -1, 1, 1)) ** 2
        npos = pos.sum(1).view(-1, 1, 1)
        hp = (npos > 0).float() * (1 - hb)
        pcore = (torch.exp(-d2 / (2 * 24.0**2)) * pos.view(pos.shape[0], -1, 1, 1)).max(1)[0]
        pfar = (torch.exp(-d2 / (2 * 200.0**2)) * pos.view(pos.shape[0], -1, 1, 1)).max(1)[0]
        nnear = (torch.exp(-d2 / (2 * 24.0**2)) * neg.view(neg.shape[0], -1, 1, 1)).max(1)[0]
        wl = (hp * pcore + (1 - hp) * core).unsqueeze(1) * content + 1e-4
        ws = ((hp * ((1 - pfar) + nnear).clamp(0, 1) + (1 - hp) * skin).unsqueeze(1) * content) + 1e-4
        mu_l = (img64 * wl).sum((2, 3), keepdim=True) / wl.sum((2, 3), keepdim=True)
        mu_s = (img64 * ws).sum((2, 3), keepdim=True) / ws.sum((2, 3), keepdim=True)
        axis = mu_l - mu_s
        proj = ((img - (mu_l + mu_s) / 2) * axis).sum(1, keepdim=True) * 2 / ((axis * axis).sum(1, keepdim=True) + 0.05)
        content256 = (img[:, :1].abs() > 1e-6).float()
        return proj.clamp(-3, 3) * content256  # [B,1,256,256]

    def forward(self, emb, coords, labels, mask_input, has_mask_input, pre=None):
        """pre: optional precomputed self.pre(emb), repeated per prompt (training shortcut)."""
        ctx32, h64, img256 = self.pre(emb) if pre is None else pre
        pvec, onehot, empty = self.prompt(coords, labels)
        gb = self.film(pvec)
        gamma, beta = gb[:, : gb.shape[1] // 2], gb[:, gb.shape[1] // 2 :]
        col = self.colour_prior(img256, coords, onehot)
        h = self.inp32(torch.cat([ctx32, F.avg_pool2d(h64, 2), F.avg_pool2d(col, 8)], 1))
        h = h * (1 + gamma[..., None, None]) + beta[..., None, None]
        d = self.dense(coords, onehot, empty, mask_input, has_mask_input, self.grid32, 24.0)
        h = self.fuse(torch.cat([h, d], 1))
        h = self.b32(h)
        h = h + up2(self.up16(self.b16(h)))
        h = self.b32b(h)
        u = self.b64(up2(self.up64(h)) + h64 + self.col64(F.avg_pool2d(col, 4)))
        low = F.pixel_shuffle(self.head(u), 4)
        box256 = self.dense(coords, onehot, empty, None, has_mask_input, self.grid256, 6.0)
        low = low + self.box_gain * (box256[:, :1] * 2 - 1) + self.ell_gain * box256[:, 1:] + self.col_gain * col
        iou = self.iou(torch.cat([h.mean((2, 3)), pvec], 1))
        return low, iou


class SkinSamTiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.decoder = Decoder()


def mask_postprocessing(low: torch.Tensor, orig_im_size: torch.Tensor, frame: int = 1024) -> torch.Tensor:
    """As SAM's SamOnnxModel for a frame of side `frame`: bilinear 256->frame (none when the frame is 256),
    crop to the resized image, bilinear to (h, w)."""
    masks = low if frame == low.shape[-1] else F.interpolate(low, size=(frame, frame), mode="bilinear", align_corners=False)
    size = orig_im_size.to(torch.float32)
    scale = float(frame) / torch.max(size)
    pre = torch.floor(scale * size + 0.5).to(torch.int64)
    masks = masks[..., : pre[0], : pre[1]]
    hw = orig_im_size.to(torch.int64)
    return F.interpolate(masks, size=(hw[0], hw[1]), mode="bilinear", align_corners=False)


class OnnxDecoder(nn.Module):
    """The official multimask decoder signature."""

    def __init__(self, decoder: Decoder):
        super().__init__()
        self.decoder = decoder

    def forward(self, image_embeddings, point_coords, point_labels, mask_input, has_mask_input, orig_im_size):
        low, iou = self.decoder(image_embeddings, point_coords, point_labels, mask_input, has_mask_input)
        masks = mask_postprocessing(low, orig_im_size)
        return masks, iou, low


class OnnxDecoderFrame(nn.Module):
    """The official multimask signature for a model whose frame (inputSize) is `frame`, e.g. 256: point_coords
    arrive in that frame (the decoder works in the 1024 frame, so they are scaled by 1024 / frame) and the masks
    go from the 256 x 256 low-res logits to the original size through that frame (for 256: crop, then one bilinear
    resize), not through a 1024 x 1024 intermediate."""

    def __init__(self, decoder: Decoder, frame: int):
        super().__init__()
        self.decoder = decoder
        self.frame = frame

    def forward(self, image_embeddings, point_coords, point_labels, mask_input, has_mask_input, orig_im_size):
        coords = point_coords * (1024.0 / self.frame)
        low, iou = self.decoder(image_embeddings, coords, point_labels, mask_input, has_mask_input)
        masks = mask_postprocessing(low, orig_im_size, self.frame)
        return masks, iou, low


def postprocess_eval(low: torch.Tensor, h: int, w: int) -> torch.Tensor:
    """Python-int version of mask_postprocessing for evaluation."""
    masks = F.interpolate(low, size=(1024, 1024), mode="bilinear", align_corners=False)
    scale = 1024.0 / max(h, w)
    nh, nw = int(h * scale + 0.5), int(w * scale + 0.5)
    return F.interpolate(masks[..., :nh, :nw], size=(h, w), mode="bilinear", align_corners=False)


_POST_CACHE: dict = {}


def postprocess_matrices(h: int, w: int):
    """(Ay [h,256], Ax [w,256]) with postprocess_eval(low) == Ay @ low @ Ax^T exactly (bilinear is separable)."""
    key = (h, w)
    if key not in _POST_CACHE:
        scale = 1024.0 / max(h, w)
        nh, nw = int(h * scale + 0.5), int(w * scale + 0.5)

        def chain(n_pre, n_out):
            eye = torch.eye(256)[None]  # [1,256,256]: channel = basis vector
            up = F.interpolate(eye, size=1024, mode="linear", align_corners=False)[..., :n_pre]
            return F.interpolate(up, size=n_out, mode="linear", align_corners=False)[0].T  # [n_out,256]

        _POST_CACHE[key] = (chain(nh, h), chain(nw, w))
    return _POST_CACHE[key]
