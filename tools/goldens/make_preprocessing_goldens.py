#!/usr/bin/python3
"""Writes the preprocessing goldens of SkinSam.Sdk's tests with Debian's reference libraries.

Run from anywhere with Debian's interpreter (python3-pil, python3-numpy, python3-skimage):

    /usr/bin/python3 tools/goldens/make_preprocessing_goldens.py

It reads the 5 HAM10000 test images in tests/SkinSam.Sdk.Tests/TestData/images/ and writes
tests/SkinSam.Sdk.Tests/TestData/preprocessing/: manifest.json plus raw little-endian .bin files.

* Synthetic inputs are not stored: both this script and the tests generate them with the same integer
  formula (synthetic_image below, SyntheticImage.cs in the tests); the manifest keeps the SHA-256 of each
  generated input so the tests notice if the two generators ever disagree.
* The real JPEGs are stored decoded (libjpeg via Pillow) as raw RGB24, so the tests do not depend on a JPEG
  decoder.
* "pil" cases: PIL Image.resize((w, h), BILINEAR) of the uint8 RGB image. Small outputs are stored whole;
  every output has its SHA-256, so every byte is compared either way.
* "sam" cases: the SAM encoder input (resize long side to 1024 with PIL, (x - mean) / std in float32,
  zero padding, NCHW): SHA-256 of the resized uint8 image, per-channel float64 sums of the tensor, and a few
  whole tensor rows as float32.
* "medsam" cases: skimage.transform.resize(img, (oh, ow), order=3, preserve_range=True,
  anti_aliasing=True), stored before the uint8 truncation as float32 (whole for small outputs, sampled rows
  for 1024 x 1024), plus for 1024 x 1024 the final MedSAM tensor's rows, the uint8 min and max, and the
  SHA-256 of the whole uint8 image after truncation.
"""

import hashlib
import json
import os
import sys

import numpy as np
import PIL
import scipy
import skimage
from PIL import Image
from skimage import transform

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TESTDATA = os.path.join(ROOT, "tests", "SkinSam.Sdk.Tests", "TestData")
IMAGES = os.path.join(TESTDATA, "images")
OUT = os.path.join(TESTDATA, "preprocessing")

REAL_IDS = ["ISIC_0027419", "ISIC_0025964", "ISIC_0024698", "ISIC_0028155", "ISIC_0029417"]
MEAN = np.array([123.675, 116.28, 103.53], dtype=np.float32)
STD = np.array([58.395, 57.12, 57.375], dtype=np.float32)
FULL_LIMIT = 64 * 1024  # outputs up to this many bytes are stored whole


def synthetic_image(width, height, seed):
    """Deterministic RGB24 test image: smooth gradients, hashed noise and hard-edged blocks.

    Pure 32-bit integer arithmetic, mirrored exactly by SyntheticImage.cs in the tests.
    """
    y, x = np.mgrid[0:height, 0:width].astype(np.uint64)
    out = np.empty((height, width, 3), dtype=np.uint8)
    m = np.uint64(0xFFFFFFFF)
    for c in range(3):
        h = ((x * np.uint64(73856093)) ^ (y * np.uint64(19349663)) ^ np.uint64((c + 1) * 83492791 + seed * 2654435761)) & m
        h = ((h ^ (h >> np.uint64(13))) * np.uint64(1274126177)) & m
        h = h ^ (h >> np.uint64(16))
        noise = (h & np.uint64(63)).astype(np.int64) - 32
        base = (x.astype(np.int64) * (255 - 60 * c)) // width + (y.astype(np.int64) * (60 + 60 * c)) // height
        v = base // 2 + noise
        block = ((x.astype(np.int64) // 37) + (y.astype(np.int64) // 29)) % 5
        v = np.where(block == 0, 255, np.where(block == 3, 0, v))
        out[:, :, c] = np.clip(v, 0, 255).astype(np.uint8)
    return out


def sha256(array):
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


def write_bin(name, array):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes())
    return name


def sam_size(w, h, target=1024):
    scale = target * 1.0 / max(h, w)
    return int(w * scale + 0.5), int(h * scale + 0.5)


def pil_resize(img, w, h):
    return np.asarray(Image.fromarray(img, "RGB").resize((w, h), Image.BILINEAR))


def sample_rows(height):
    rows = sorted({0, height // 2, height - 1})
    return [r for r in rows if 0 <= r < height]


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))

    inputs = {}
    manifest = {
        "generator": "tools/goldens/make_preprocessing_goldens.py",
        "versions": {"python": sys.version.split()[0], "pillow": PIL.__version__, "numpy": np.__version__,
                     "scipy": scipy.__version__, "skimage": skimage.__version__},
        "inputs": [], "pil": [], "sam": [], "medsam": [],
    }

    def add_input(name, img, stored):
        inputs[name] = img
        entry = {"name": name, "width": img.shape[1], "height": img.shape[0], "sha256": sha256(img)}
        if stored:
            entry["file"] = write_bin(name + ".rgb", img)
        else:
            entry["synthetic_seed"] = int(name.split("_s")[1])
        manifest["inputs"].append(entry)

    for image_id in REAL_IDS:
        img = np.asarray(Image.open(os.path.join(IMAGES, image_id + ".jpg")).convert("RGB"))
        add_input(image_id, img, stored=True)
    seed = 1
    for (w, h) in [(150, 200), (7, 5), (333, 251), (1025, 769), (2000, 1500), (640, 480), (97, 1013), (1024, 1024), (600, 450)]:
        add_input("syn_%dx%d_s%d" % (w, h, seed), synthetic_image(w, h, seed), stored=False)
        seed += 1

    # Direct PIL resizes at assorted sizes: up, down, both, one axis only, identity.
    pil_cases = [
        ("ISIC_0027419", 64, 48), ("ISIC_0025964", 300, 225), ("ISIC_0024698", 200, 97), ("ISIC_0028155", 131, 150),
        ("ISIC_0029417", 1, 1), ("syn_7x5_s2", 23, 17), ("syn_7x5_s2", 3, 2), ("syn_333x251_s3", 100, 75),
        ("syn_333x251_s3", 333, 80), ("syn_150x200_s1", 151, 199), ("syn_97x1013_s7", 50, 200),
        ("syn_640x480_s6", 160, 120), ("syn_2000x1500_s5", 97, 61), ("syn_1025x769_s4", 1024, 769),
        ("syn_1024x1024_s8", 1024, 1024),
    ]
    for name, w, h in pil_cases:
        out = pil_resize(inputs[name], w, h)
        entry = {"input": name, "width": w, "height": h, "sha256": sha256(out)}
        if out.nbytes <= FULL_LIMIT:
            entry["file"] = write_bin("pil_%s_%dx%d.rgb" % (name, w, h), out)
        manifest["pil"].append(entry)

    # SAM encoder input for every input.
    for name, img in inputs.items():
        h0, w0 = img.shape[:2]
        w, h = sam_size(w0, h0)
        resized = pil_resize(img, w, h)
        x = (resized.astype(np.float32) - MEAN) / STD
        tensor = np.zeros((3, 1024, 1024), dtype=np.float32)
        tensor[:, :h, :w] = x.transpose(2, 0, 1)
        rows = sorted(set(sample_rows(h) + ([h] if h < 1024 else [])))
        entry = {"input": name, "resized_width": w, "resized_height": h, "resized_sha256": sha256(resized),
                 "channel_sums": [float(tensor[c].astype(np.float64).sum()) for c in range(3)],
                 "rows": rows,
                 "rows_file": write_bin("sam_%s_rows.f32" % name, tensor[:, rows, :])}
        if name == "ISIC_0024698":
            entry["hwc_sha256"] = sha256(resized.astype(np.float32))
        manifest["sam"].append(entry)

    # MedSAM: spline resize before truncation, small outputs whole, 1024 x 1024 sampled.
    medsam_small = [("ISIC_0027419", 64, 48), ("ISIC_0025964", 250, 40), ("syn_7x5_s2", 13, 11), ("syn_7x5_s2", 3, 2),
                    ("syn_333x251_s3", 100, 75), ("syn_150x200_s1", 40, 301), ("syn_97x1013_s7", 50, 200),
                    ("syn_640x480_s6", 97, 61)]
    for name, ow, oh in medsam_small:
        ref = transform.resize(inputs[name], (oh, ow), order=3, preserve_range=True, anti_aliasing=True)
        manifest["medsam"].append({"input": name, "width": ow, "height": oh,
                                   "float_file": write_bin("medsam_%s_%dx%d.f32" % (name, ow, oh), ref.astype(np.float32))})
    for name in ["ISIC_0027419", "syn_2000x1500_s5", "syn_1025x769_s4"]:
        ref = transform.resize(inputs[name], (1024, 1024), order=3, preserve_range=True, anti_aliasing=True)
        u8 = ref.astype(np.uint8)
        lo, hi = int(u8.min()), int(u8.max())
        final = ((u8 - u8.min()) / np.clip(u8.max() - u8.min(), a_min=1e-8, a_max=None)).astype(np.float32)
        rows = [0, 1, 341, 512, 1023]
        manifest["medsam"].append({
            "input": name, "width": 1024, "height": 1024, "rows": rows,
            "float_file": write_bin("medsam_%s_1024_rows.f32" % name, ref[rows].astype(np.float32)),
            "tensor_rows_file": write_bin("medsam_%s_1024_tensor_rows.f32" % name, final.transpose(2, 0, 1)[:, rows, :]),
            "uint8_min": lo, "uint8_max": hi, "uint8_sha256": sha256(u8),
            "upscale": bool(inputs[name].shape[0] <= 1024 and inputs[name].shape[1] <= 1024),
            "near_integer_values": int(np.sum(np.abs(ref - np.round(ref)) < 1e-6)),
        })

    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print("wrote %d files, %d bytes, to %s" % (len(os.listdir(OUT)), total, OUT))


if __name__ == "__main__":
    main()
