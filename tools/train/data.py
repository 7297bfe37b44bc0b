"""HAM10000-lowres data for SkinSAM-Tiny: split, SAM preprocessing, augmentation, prompts.

The encoder's first op is a 4x4 average pool of the SAM-preprocessed [1,3,1024,1024] image, so
training feeds the pooled [3,256,256] frame directly. It is computed as a separable linear map
(PIL's own bilinear coefficients for the resize to the long side 1024, followed by the 4x4 mean),
which equals PIL resize + normalise + pad + pool up to PIL's rounding of each pass to uint8
(checked numerically by `check_pool_equivalence`).
"""
from __future__ import annotations

import csv
import hashlib
import math
import os
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image, ImageDraw

DATA_DIR = "/work/shared/datasets/ham10000-lowres"
MEAN = np.array([123.675, 116.28, 103.53], dtype=np.float32)
STD = np.array([58.395, 57.12, 57.375], dtype=np.float32)
INPUT_SIZE = 1024
POOL = 4
FRAME = INPUT_SIZE // POOL  # 256
LABEL_PAD = -1.0


def is_val_lesion(lesion_id: str) -> bool:
    """Validation split rule: first 8 hex digits of SHA-1(lesion_id) as an integer, mod 10 == 0."""
    return int(hashlib.sha1(lesion_id.encode("ascii")).hexdigest()[:8], 16) % 10 == 0


def read_metadata(data_dir: str = DATA_DIR) -> list[dict]:
    with open(os.path.join(data_dir, "metadata.csv"), newline="") as f:
        return list(csv.DictReader(f))


def load_arrays(data_dir: str = DATA_DIR, cache: str = ".cache/ham_lowres.npz"):
    """All images (uint8 [n,150,200,3]) and masks (uint8 0/1 [n,150,200]) in metadata order."""
    rows = read_metadata(data_dir)
    if os.path.exists(cache):
        z = np.load(cache, allow_pickle=False)
        ids = list(z["ids"])
        if ids == [r["image_id"] for r in rows]:
            return rows, z["images"], z["masks"]
    imgs, masks = [], []
    for r in rows:
        im = np.asarray(Image.open(os.path.join(data_dir, "images", r["image_id"] + ".jpg")).convert("RGB"))
        m = np.asarray(Image.open(os.path.join(data_dir, "masks", r["image_id"] + "_segmentation.png")).convert("L"))
        imgs.append(im)
        masks.append((m > 127).astype(np.uint8))
    imgs = np.stack(imgs)
    masks = np.stack(masks)
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    np.savez(cache, ids=np.array([r["image_id"] for r in rows]), images=imgs, masks=masks)
    return rows, imgs, masks


def resized_size(h: int, w: int, long_side: int = INPUT_SIZE) -> tuple[int, int]:
    scale = long_side / max(h, w)
    return int(h * scale + 0.5), int(w * scale + 0.5)


_COEFF_CACHE: dict[tuple[int, int], np.ndarray] = {}


def pil_bilinear_matrix(n_in: int, n_out: int) -> np.ndarray:
    """[n_out, n_in] weights of PIL's 1-D bilinear resampling (probed through PIL mode 'F')."""
    key = (n_in, n_out)
    if key not in _COEFF_CACHE:
        m = np.zeros((n_out, n_in), dtype=np.float64)
        for j in range(n_in):
            row = np.zeros((1, n_in), dtype=np.float32)
            row[0, j] = 1.0
            out = Image.fromarray(row, mode="F").resize((n_out, 1), Image.BILINEAR)
            m[:, j] = np.asarray(out, dtype=np.float64)[0]
        _COEFF_CACHE[key] = m
    return _COEFF_CACHE[key]


_POOLED_CACHE: dict[tuple[int, int], tuple] = {}


def _taps(m: np.ndarray):
    """Dense banded [n_out, n_in] matrix -> (indices, weights) [n_out, T] with T = max band width."""
    nz = [np.nonzero(r)[0] for r in m]
    t = max(len(z) for z in nz)
    idx = np.zeros((m.shape[0], t), np.int64)
    w = np.zeros((m.shape[0], t), np.float32)
    for i, z in enumerate(nz):
        idx[i, : len(z)] = z
        w[i, : len(z)] = m[i, z]
    return torch.from_numpy(idx), torch.from_numpy(w)


def pooled_maps(h: int, w: int):
    """Row and column maps (as taps) of PIL-bilinear resize to the long side 1024 + 4x4 mean."""
    key = (h, w)
    if key not in _POOLED_CACHE:
        nh, nw = resized_size(h, w)
        assert nh % POOL == 0 and nw % POOL == 0, (nh, nw)
        ky = pil_bilinear_matrix(h, nh)
        kx = pil_bilinear_matrix(w, nw)
        my = ky.reshape(nh // POOL, POOL, h).mean(1)
        mx = kx.reshape(nw // POOL, POOL, w).mean(1)
        _POOLED_CACHE[key] = (_taps(my), _taps(mx))
    return _POOLED_CACHE[key]


def _apply(x: torch.Tensor, maps) -> torch.Tensor:
    """x [..., h, w] -> [..., h', w'] through the banded row and column maps."""
    (iy, wy), (ix, wx) = maps
    r = (x[..., iy, :] * wy[..., None]).sum(-2)  # [..., h', w]
    return (r[..., ix] * wx).sum(-1)  # [..., h', w']


def pooled_frame(img: np.ndarray) -> torch.Tensor:
    """uint8 [h,w,3] -> float [3,256,256]: SAM-normalised, pooled 4x4, zero-padded bottom/right."""
    h, w, _ = img.shape
    x = torch.from_numpy(np.array(img)).float().permute(2, 0, 1)  # [3,h,w]
    p = _apply(x, pooled_maps(h, w))
    p = (p - torch.from_numpy(MEAN)[:, None, None]) / torch.from_numpy(STD)[:, None, None]
    out = torch.zeros(3, FRAME, FRAME)
    out[:, : p.shape[1], : p.shape[2]] = p
    return out


def pooled_mask(mask: np.ndarray) -> torch.Tensor:
    """0/1 [h,w] -> soft [256,256] target in the pooled frame (same linear map, zero pad)."""
    h, w = mask.shape
    p = _apply(torch.from_numpy(np.ascontiguousarray(mask)).float(), pooled_maps(h, w))
    out = torch.zeros(FRAME, FRAME)
    out[: p.shape[0], : p.shape[1]] = p.clamp(0, 1)
    return out


def frame_input(img: np.ndarray, frame: int = FRAME * POOL) -> torch.Tensor:
    """The encoder's [3,256,256] input for a model of inputSize `frame`: 1024 -> the 4x4 pool of the SAM
    frame (pooled_frame, what the shipped model's graph computes); 256 -> PIL bilinear straight to the long side
    256, normalised, zero-padded (what the SDK feeds a model with inputSize 256)."""
    if frame == INPUT_SIZE:
        return pooled_frame(img)
    if frame != FRAME:
        raise ValueError(f"expected a frame of {INPUT_SIZE} or {FRAME}; got {frame}")
    return torch.from_numpy(sam_preprocess_full(img, FRAME)[0])


def frame_mask(mask: np.ndarray, frame: int = FRAME * POOL) -> torch.Tensor:
    """The soft [256,256] training target matching frame_input: the mask resampled the way the image is."""
    if frame == INPUT_SIZE:
        return pooled_mask(mask)
    h, w = mask.shape
    nh, nw = resized_size(h, w, FRAME)
    r = Image.fromarray(mask.astype(np.float32), mode="F").resize((nw, nh), Image.BILINEAR)
    out = torch.zeros(FRAME, FRAME)
    out[:nh, :nw] = torch.from_numpy(np.asarray(r, dtype=np.float32).copy()).clamp(0, 1)
    return out


def sam_preprocess_full(img: np.ndarray, size: int = INPUT_SIZE) -> np.ndarray:
    """Reference SAM preprocessing: float32 [1,3,size,size] (PIL bilinear to the long side size, normalise, pad)."""
    h, w, _ = img.shape
    nh, nw = resized_size(h, w, size)
    r = np.asarray(Image.fromarray(img).resize((nw, nh), Image.BILINEAR), dtype=np.float32)
    r = (r - MEAN) / STD
    out = np.zeros((1, 3, size, size), dtype=np.float32)
    out[0, :, :nh, :nw] = r.transpose(2, 0, 1)
    return out


def check_pool_equivalence(images: np.ndarray, n: int = 20) -> float:
    """Max |pooled_frame - avgpool4(sam_preprocess_full)| over n images (normalised units)."""
    worst = 0.0
    for img in images[:n]:
        ref = torch.nn.functional.avg_pool2d(torch.from_numpy(sam_preprocess_full(img)), POOL)[0]
        got = pooled_frame(img)
        worst = max(worst, float((ref - got).abs().max()))
        rot = np.rot90(img).copy()
        ref = torch.nn.functional.avg_pool2d(torch.from_numpy(sam_preprocess_full(rot)), POOL)[0]
        worst = max(worst, float((ref - pooled_frame(rot)).abs().max()))
    return worst


# ----------------------------------------------------------------------------- prompts
@dataclass
class Prompt:
    coords: np.ndarray  # [N,2] float32 in the 1024 frame (x, y)
    labels: np.ndarray  # [N] float32
    kind: str


def mask_box(mask: np.ndarray):
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return None
    return float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())


def to_frame(x: float, y: float, h: int, w: int) -> tuple[float, float]:
    nh, nw = resized_size(h, w)
    return x * nw / w, y * nh / h


def box_prompt(box, h, w, jitter_rng=None, max_jitter=20.0) -> Prompt:
    """Box corners (pixel indices) -> labels 2/3 in the 1024 frame; optional outward jitter."""
    x0, y0 = to_frame(box[0], box[1], h, w)
    x1, y1 = to_frame(box[2], box[3], h, w)
    kind = "tight_box"
    if jitter_rng is not None:
        j = jitter_rng.uniform(0, max_jitter, size=4)
        nh, nw = resized_size(h, w)
        x0, y0 = max(0.0, x0 - j[0]), max(0.0, y0 - j[1])
        x1, y1 = min(nw - 1.0, x1 + j[2]), min(nh - 1.0, y1 + j[3])
        kind = "jittered_box"
    coords = np.array([[x0, y0], [x1, y1]], dtype=np.float32)
    return Prompt(coords, np.array([2, 3], dtype=np.float32), kind)


def with_padding(coords: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """SAM convention: without a box, append one padding point (0,0) labelled -1."""
    if not np.any(labels == 2):
        coords = np.concatenate([coords.reshape(-1, 2), np.zeros((1, 2), np.float32)], 0)
        labels = np.concatenate([labels.reshape(-1), np.array([LABEL_PAD], np.float32)])
    return coords.astype(np.float32), labels.astype(np.float32)


def centre_point(mask: np.ndarray) -> tuple[float, float]:
    """Centroid of the mask; when it falls outside the mask, the mask pixel nearest to it."""
    ys, xs = np.nonzero(mask)
    cy, cx = ys.mean(), xs.mean()
    iy, ix = int(round(cy)), int(round(cx))
    if mask[iy, ix]:
        return float(cx), float(cy)
    k = int(np.argmin((ys - cy) ** 2 + (xs - cx) ** 2))
    return float(xs[k]), float(ys[k])


def no_prompt() -> Prompt:
    return Prompt(np.zeros((1, 2), np.float32), np.array([LABEL_PAD], np.float32), "no_prompt")


def point_prompt(x: float, y: float, h: int, w: int) -> Prompt:
    fx, fy = to_frame(x, y, h, w)
    c, l = with_padding(np.array([[fx, fy]], np.float32), np.array([1], np.float32))
    return Prompt(c, l, "centre_point")


def random_points(mask: np.ndarray, rng: np.random.Generator) -> Prompt:
    from scipy import ndimage

    h, w = mask.shape
    inner = ndimage.binary_erosion(mask, iterations=3)
    src = inner if inner.any() else mask.astype(bool)
    ys, xs = np.nonzero(src)
    npos = rng.choice([1, 1, 1, 2, 3])
    pts, labs = [], []
    if rng.random() < 0.3:
        cx, cy = centre_point(mask)
        pts.append((cx, cy))
        labs.append(1)
        npos -= 1
    for _ in range(npos):
        k = rng.integers(len(xs))
        pts.append((xs[k] + rng.uniform(-0.5, 0.5), ys[k] + rng.uniform(-0.5, 0.5)))
        labs.append(1)
    if rng.random() < 0.3:
        outer = ~ndimage.binary_dilation(mask, iterations=4)
        oy, ox = np.nonzero(outer)
        if len(ox):
            for _ in range(rng.integers(1, 3)):
                k = rng.integers(len(ox))
                pts.append((float(ox[k]), float(oy[k])))
                labs.append(0)
    coords = np.array([to_frame(x, y, h, w) for x, y in pts], np.float32)
    labels = np.array(labs, np.float32)
    if rng.random() < 0.1:  # points together with a jittered box
        b = box_prompt(mask_box(mask), h, w, rng)
        coords = np.concatenate([coords, b.coords])
        labels = np.concatenate([labels, b.labels])
        return Prompt(coords, labels, "box_points")
    c, l = with_padding(coords, labels)
    return Prompt(c, l, "points")


def sample_prompt(mask: np.ndarray, rng: np.random.Generator, slot: int) -> Prompt:
    """slot 0: box-like prompts; slot 1: points or no prompt."""
    box = mask_box(mask)
    if box is None:
        return no_prompt()
    h, w = mask.shape
    r = rng.random()
    if slot == 0:
        if r < 0.3:
            # tight box, with occasional +-1 px convention noise
            b = box_prompt(box, h, w)
            if rng.random() < 0.3:
                b.coords = b.coords + rng.uniform(-3, 3, size=b.coords.shape).astype(np.float32)
            return b
        if r < 0.85:
            return box_prompt(box, h, w, rng, max_jitter=20.0 if rng.random() < 0.8 else 40.0)
        return random_points(mask, rng)
    if r < 0.5:
        return no_prompt()
    return random_points(mask, rng)


# ----------------------------------------------------------------------------- augmentation
def _hue_shift(img: np.ndarray, shift: float) -> np.ndarray:
    hsv = np.asarray(Image.fromarray(img).convert("HSV")).copy()
    hsv[..., 0] = (hsv[..., 0].astype(np.int16) + int(round(shift * 255))) % 256
    return np.asarray(Image.fromarray(hsv, mode="HSV").convert("RGB"))


def _hair(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    pil = Image.fromarray(img)
    draw = ImageDraw.Draw(pil)
    h, w = img.shape[:2]
    for _ in range(rng.integers(1, 10)):
        p0 = rng.uniform([0, 0], [w, h])
        p1 = p0 + rng.normal(0, 0.4 * max(h, w), 2)
        c = (p0 + p1) / 2 + rng.normal(0, 0.15 * max(h, w), 2)
        t = np.linspace(0, 1, 24)[:, None]
        pts = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * c + t**2 * p1
        v = int(rng.uniform(10, 70))
        col = (v + int(rng.uniform(0, 25)), v, max(0, v - int(rng.uniform(0, 15))))
        draw.line([tuple(p) for p in pts], fill=col, width=int(rng.choice([1, 1, 2])))
    return np.asarray(pil)


def augment(img: np.ndarray, mask: np.ndarray, rng: np.random.Generator):
    """Dermoscopy augmentation on the original 200x150 image (before SAM preprocessing)."""
    k = int(rng.integers(4))
    if k:
        img, mask = np.rot90(img, k), np.rot90(mask, k)
    if rng.random() < 0.5:
        img, mask = img[:, ::-1], mask[:, ::-1]
    img, mask = np.ascontiguousarray(img), np.ascontiguousarray(mask)
    h, w = mask.shape
    if rng.random() < 0.6:
        ang = rng.uniform(-20, 20)
        scale = math.exp(rng.uniform(math.log(0.85), math.log(1.25)))
        tx, ty = rng.uniform(-0.08, 0.08) * w, rng.uniform(-0.08, 0.08) * h
        a = math.radians(ang)
        # inverse map output -> input around the centre
        ca, sa = math.cos(a) / scale, math.sin(a) / scale
        cx, cy = w / 2, h / 2
        coeffs = (ca, sa, cx - ca * (cx + tx) - sa * (cy + ty), -sa, ca, cy + sa * (cx + tx) - ca * (cy + ty))
        border = np.concatenate([img[0], img[-1], img[:, 0], img[:, -1]]).mean(0)
        fill = tuple(int(v) for v in border) if rng.random() < 0.7 else (0, 0, 0)
        img = np.asarray(Image.fromarray(img).transform((w, h), Image.AFFINE, coeffs, Image.BILINEAR, fillcolor=fill))
        m = Image.fromarray(mask * 255).transform((w, h), Image.AFFINE, coeffs, Image.BILINEAR, fillcolor=0)
        mask = (np.asarray(m) > 127).astype(np.uint8)
    f = img.astype(np.float32)
    if rng.random() < 0.8:
        f = f * rng.uniform(0.75, 1.25)  # brightness
        mean = f.mean()
        f = (f - mean) * rng.uniform(0.75, 1.3) + mean  # contrast
        gray = f.mean(2, keepdims=True)
        f = (f - gray) * rng.uniform(0.75, 1.25) + gray  # saturation
        f = f * rng.uniform(0.93, 1.07, size=3)  # white balance
    img = np.clip(f + 0.5, 0, 255).astype(np.uint8)
    if rng.random() < 0.4:
        img = _hue_shift(img, rng.uniform(-0.05, 0.05))
    if rng.random() < 0.3:
        img = _hair(img, rng)
    if rng.random() < 0.2:
        img = np.clip(img.astype(np.float32) + rng.normal(0, rng.uniform(2, 6), img.shape) + 0.5, 0, 255).astype(np.uint8)
    return img, mask


def synthetic_mask_input(target256: torch.Tensor, rng: np.random.Generator) -> torch.Tensor:
    """A plausible previous low-res prediction: shifted, eroded/dilated GT turned into logits."""
    m = (target256 > 0.5).float()[None, None]
    r = int(rng.integers(0, 4))
    if r:
        if rng.random() < 0.5:
            m = torch.nn.functional.max_pool2d(m, 2 * r + 1, 1, r)
        else:
            m = 1 - torch.nn.functional.max_pool2d(1 - m, 2 * r + 1, 1, r)
    m = torch.roll(m, shifts=(int(rng.integers(-4, 5)), int(rng.integers(-4, 5))), dims=(2, 3))
    amp = float(rng.uniform(2, 12))
    return ((m * 2 - 1) * amp + torch.from_numpy(rng.normal(0, 1.5, m.shape).astype(np.float32)))[0]


class TrainSet(torch.utils.data.Dataset):
    def __init__(self, images, masks, indices, seed: int, prompts_per_image: int = 2, frame: int = INPUT_SIZE,
                 shift_p: float = 0.0):
        self.images, self.masks, self.indices = images, masks, list(indices)
        self.seed, self.epoch, self.ppi = seed, 0, prompts_per_image
        self.frame, self.shift_p = frame, shift_p

    def __len__(self):
        return len(self.indices)

    def __getitem__(self, i):
        idx = self.indices[i]
        rng = np.random.default_rng([self.seed, self.epoch, idx])
        img, mask = augment(self.images[idx], self.masks[idx], rng)
        if self.shift_p > 0:
            import shifts

            img, mask = shifts.train_augment(img, mask, rng, self.shift_p)
        x = frame_input(img, self.frame)
        t = frame_mask(mask, self.frame)
        prompts = []
        for s in range(self.ppi):
            p = sample_prompt(mask, rng, s)
            use_mask = s == 1 and rng.random() < 0.12 and mask.any()
            mi = synthetic_mask_input(t, rng) if use_mask else torch.zeros(1, FRAME, FRAME)
            prompts.append((p.coords, p.labels, mi, float(use_mask)))
        return x, t, prompts


def collate(batch):
    xs = torch.stack([b[0] for b in batch])
    ts = torch.stack([b[1] for b in batch])
    plist = [p for b in batch for p in b[2]]
    n = max(len(p[1]) for p in plist)
    coords = torch.zeros(len(plist), n, 2)
    labels = torch.full((len(plist), n), LABEL_PAD)
    for j, p in enumerate(plist):
        coords[j, : len(p[1])] = torch.from_numpy(p[0])
        labels[j, : len(p[1])] = torch.from_numpy(p[1])
    mask_in = torch.stack([p[2] for p in plist])
    has_mask = torch.tensor([p[3] for p in plist])
    return xs, ts, coords, labels, mask_in, has_mask
