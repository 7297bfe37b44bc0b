"""What changes between dermatoscopes and clinics, as image transforms: the training augmentations of
SkinSAM-Tiny 2 and the shifts of the shifted validation set (tools/train/shifted_val.py).

Every transform takes a uint8 RGB image [h,w,3], its 0/1 lesion mask [h,w] and a numpy Generator, and
returns a new (image, mask) pair; only `scale_aspect` changes the size, and only the field-of-view borders
change the mask (a lesion part hidden under the dark border is not visible, so it is not annotated either).
Deterministic for a given Generator state.
"""
from __future__ import annotations

import io
import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def _clip_u8(f: np.ndarray) -> np.ndarray:
    return np.clip(f + 0.5, 0, 255).astype(np.uint8)


def _grid(h: int, w: int):
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    return (xx + 0.5) / w, (yy + 0.5) / h


def illumination(img, mask, rng):
    """Overall exposure 0.6-1.4 and a linear light gradient across the image (one side up to 35 % darker)."""
    h, w = mask.shape
    gx, gy = _grid(h, w)
    a = rng.uniform(0, 2 * math.pi)
    ramp = (gx - 0.5) * math.cos(a) + (gy - 0.5) * math.sin(a)  # -0.7..0.7
    gain = rng.uniform(0.6, 1.4) * (1 + rng.uniform(0.1, 0.5) * ramp)
    return _clip_u8(img.astype(np.float32) * gain[..., None]), mask.copy()


def white_balance(img, mask, rng):
    """A colour cast: per-channel gains 0.75-1.25 (red/blue against green), normalised to keep the brightness."""
    g = np.array([rng.uniform(0.75, 1.25), 1.0, rng.uniform(0.75, 1.25)], np.float32)
    g = g / g.mean()
    return _clip_u8(img.astype(np.float32) * g), mask.copy()


def _dark_fill(rng, shape):
    """Near-black with a little noise, as the unlit area outside a dermatoscope's field of view."""
    base = rng.uniform(0, 25)
    return base + rng.normal(0, 2.0, shape).astype(np.float32)


def fov_circle(img, mask, rng):
    """A dark circular field-of-view border: outside a circle (radius 0.45-0.6 of the long side, so the corners are always outside, centre
    within 5 % of the middle) the image is near-black, with a soft edge of a few pixels."""
    h, w = mask.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx = w / 2 + rng.uniform(-0.05, 0.05) * w
    cy = h / 2 + rng.uniform(-0.05, 0.05) * h
    r = rng.uniform(0.45, 0.6) * max(h, w)
    edge = max(1.0, rng.uniform(0.005, 0.02) * max(h, w))
    d = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2)
    inside = np.clip((r - d) / edge + 0.5, 0, 1)
    f = img.astype(np.float32) * inside[..., None] + _dark_fill(rng, img.shape) * (1 - inside[..., None])
    return _clip_u8(f), (mask.astype(bool) & (inside > 0.5)).astype(np.uint8)


def fov_rect(img, mask, rng):
    """Dark rectangular borders: bands of 3-12 % on each side present with probability 0.6 (at least one)."""
    h, w = mask.shape
    keep = np.ones((h, w), np.float32)
    sides = rng.random(4) < 0.6
    if not sides.any():
        sides[rng.integers(4)] = True
    t, b, l, r = (int(round(rng.uniform(0.03, 0.12) * n)) if s else 0 for s, n in zip(sides, (h, h, w, w)))
    keep[:t] = 0
    keep[h - b:] = 0
    keep[:, :l] = 0
    keep[:, w - r:] = 0
    f = img.astype(np.float32) * keep[..., None] + _dark_fill(rng, img.shape) * (1 - keep[..., None])
    return _clip_u8(f), (mask.astype(bool) & (keep > 0.5)).astype(np.uint8)


def vignetting(img, mask, rng):
    """Radial fall-off of the light: gain 1 - k * (r / r_corner)^p, k 0.25-0.6, p 1.5-3."""
    h, w = mask.shape
    gx, gy = _grid(h, w)
    rr = np.sqrt((gx - 0.5) ** 2 * (w / max(h, w)) ** 2 + (gy - 0.5) ** 2 * (h / max(h, w)) ** 2)
    rr = rr / rr.max()
    gain = 1 - rng.uniform(0.25, 0.6) * rr ** rng.uniform(1.5, 3.0)
    return _clip_u8(img.astype(np.float32) * gain[..., None]), mask.copy()


def gel_bubbles(img, mask, rng):
    """Air bubbles in the immersion gel: 2-8 circles (radius 1.5-8 % of the long side) with a bright rim,
    a slightly lighter inside and a small specular highlight."""
    h, w = mask.shape
    f = img.astype(np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    for _ in range(int(rng.integers(2, 9))):
        r = rng.uniform(0.015, 0.08) * max(h, w)
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        d = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2)
        rim = np.exp(-((d - r) ** 2) / (2 * max(0.6, 0.08 * r) ** 2))
        inside = (d < r).astype(np.float32)
        hx, hy = cx - 0.4 * r, cy - 0.4 * r
        spec = np.exp(-((xx - hx) ** 2 + (yy - hy) ** 2) / (2 * max(0.5, 0.15 * r) ** 2))
        a = rng.uniform(0.4, 0.9)
        f = f + inside[..., None] * 12.0 * a
        f = f * (1 - 0.7 * a * rim[..., None]) + 235.0 * 0.7 * a * rim[..., None]
        f = f * (1 - a * spec[..., None]) + 255.0 * a * spec[..., None]
    return _clip_u8(f), mask.copy()


def ruler(img, mask, rng):
    """Ruler marks near one edge: a dark line with ticks every 2-4 % of the long side (every 5th longer)."""
    h, w = mask.shape
    pil = Image.fromarray(img)
    draw = ImageDraw.Draw(pil)
    side = int(rng.integers(4))
    horizontal = side < 2
    n = w if horizontal else h
    pos = rng.uniform(0.02, 0.12) * (h if horizontal else w)
    if side in (1, 3):
        pos = (h if horizontal else w) - pos
    step = max(2.0, rng.uniform(0.02, 0.04) * max(h, w))
    v = int(rng.uniform(0, 60))
    col = (v, v, v) if rng.random() < 0.7 else (240, 240, 240)
    lw = 1 if max(h, w) < 400 else 2
    short = max(2.0, 0.02 * max(h, w))
    sign = 1 if side in (0, 2) else -1
    if horizontal:
        draw.line([(0, pos), (n, pos)], fill=col, width=lw)
    else:
        draw.line([(pos, 0), (pos, n)], fill=col, width=lw)
    k, t = 0, rng.uniform(0, step)
    while t < n:
        ln = short * (2 if k % 5 == 0 else 1)
        if horizontal:
            draw.line([(t, pos), (t, pos + sign * ln)], fill=col, width=lw)
        else:
            draw.line([(pos, t), (pos + sign * ln, t)], fill=col, width=lw)
        t += step
        k += 1
    return np.asarray(pil).copy(), mask.copy()


def hair(img, mask, rng):
    """2-14 dark hairs: quadratic curves of 1-2 px (scaled with the image), dark brown to black."""
    h, w = mask.shape
    pil = Image.fromarray(img)
    draw = ImageDraw.Draw(pil)
    scale = max(1, round(max(h, w) / 300))
    for _ in range(int(rng.integers(2, 15))):
        p0 = rng.uniform([0, 0], [w, h])
        p1 = p0 + rng.normal(0, 0.4 * max(h, w), 2)
        c = (p0 + p1) / 2 + rng.normal(0, 0.15 * max(h, w), 2)
        t = np.linspace(0, 1, 24)[:, None]
        pts = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * c + t ** 2 * p1
        v = int(rng.uniform(10, 70))
        colour = (v + int(rng.uniform(0, 25)), v, max(0, v - int(rng.uniform(0, 15))))
        draw.line([tuple(p) for p in pts], fill=colour, width=int(rng.choice([1, 1, 2])) * scale)
    return np.asarray(pil).copy(), mask.copy()


def blur(img, mask, rng):
    """Defocus: Gaussian blur with sigma 0.8-2.0 px at 200 px wide (scaled with the image width)."""
    sigma = rng.uniform(0.8, 2.0) * mask.shape[1] / 200.0
    return np.asarray(Image.fromarray(img).filter(ImageFilter.GaussianBlur(sigma))).copy(), mask.copy()


def jpeg(img, mask, rng):
    """JPEG re-compression at quality 10-50 (4:2:0 chroma subsampling, PIL's encoder)."""
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="JPEG", quality=int(rng.integers(10, 51)))
    buf.seek(0)
    return np.asarray(Image.open(buf).convert("RGB")).copy(), mask.copy()


def scale_aspect(img, mask, rng, max_side: int = 800):
    """Another resolution and pixel aspect: the image resized by 0.7-3.0 with the aspect changed by 0.8-1.25
    (long side at most `max_side`; PIL bilinear for the image, nearest for the mask)."""
    h, w = mask.shape
    s = rng.uniform(0.7, 3.0)
    a = math.exp(rng.uniform(math.log(0.8), math.log(1.25)))
    nw, nh = w * s * math.sqrt(a), h * s / math.sqrt(a)
    f = min(1.0, max_side / max(nw, nh))
    nw, nh = max(8, int(round(nw * f))), max(8, int(round(nh * f)))
    im = np.asarray(Image.fromarray(img).resize((nw, nh), Image.BILINEAR)).copy()
    m = np.asarray(Image.fromarray(mask.astype(np.uint8) * 255).resize((nw, nh), Image.NEAREST)) > 127
    return im, m.astype(np.uint8)


# the order the combined shift applies them in: optics and lighting first, then objects in front of the
# skin, then the camera's resampling and compression
SHIFTS = {
    "illumination": illumination,
    "white_balance": white_balance,
    "vignetting": vignetting,
    "fov_circle": fov_circle,
    "fov_rect": fov_rect,
    "gel_bubbles": gel_bubbles,
    "ruler": ruler,
    "hair": hair,
    "blur": blur,
    "scale_aspect": scale_aspect,
    "jpeg": jpeg,
}


def combined(img, mask, rng, p: float = 0.5):
    """Each shift with probability p (at most one of the two field-of-view borders), in SHIFTS order."""
    fov = "fov_circle" if rng.random() < 0.5 else "fov_rect"
    for name, fn in SHIFTS.items():
        if name in ("fov_circle", "fov_rect") and name != fov:
            continue
        if rng.random() < p:
            img, mask = fn(img, mask, rng)
    return img, mask


def train_augment(img, mask, rng, p: float = 0.25):
    """The dermatoscope part of training augmentation: like `combined` with probability p per shift, except
    that scale and aspect stay at the training resolution (the 256 frame needs no more than 256 px)."""
    fov = "fov_circle" if rng.random() < 0.5 else "fov_rect"
    for name, fn in SHIFTS.items():
        if name in ("fov_circle", "fov_rect") and name != fov:
            continue
        if rng.random() < p:
            if name == "scale_aspect":
                img, mask = scale_aspect(img, mask, rng, max_side=320)
            else:
                img, mask = fn(img, mask, rng)
    return img, mask
