"""The dermatoscope shifts of tools/train/shifts.py (SkinSAM-Tiny 2's augmentations and the shifted validation
set), each on a real HAM10000 image with its lesion mask (samples/images, tests' TestData)."""
from __future__ import annotations

import os
import sys

import numpy as np
import pytest
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "train"))
import shifts as S  # noqa: E402


@pytest.fixture(scope="module")
def pair():
    img = np.asarray(Image.open(os.path.join(ROOT, "samples", "images", "ISIC_0025964.jpg")).convert("RGB"))
    m = np.asarray(Image.open(os.path.join(ROOT, "tests", "SkinSam.Sdk.Tests", "TestData", "images", "ISIC_0025964_segmentation.png")).convert("L"))
    mask = (m > 127).astype(np.uint8)
    assert img.shape[:2] == mask.shape and 0 < mask.sum() < mask.size
    return img, mask


def run(name, pair, seed=0):
    img, mask = pair
    return S.SHIFTS[name](img.copy(), mask.copy(), np.random.default_rng(seed))


@pytest.mark.parametrize("name", list(S.SHIFTS))
def test_shift_is_deterministic_typed_and_changes_the_image(name, pair):
    a_img, a_mask = run(name, pair, 3)
    b_img, b_mask = run(name, pair, 3)
    c_img, _ = run(name, pair, 4)
    assert a_img.dtype == np.uint8 and a_img.ndim == 3 and a_img.shape[2] == 3
    assert a_mask.shape == a_img.shape[:2] and set(np.unique(a_mask)) <= {0, 1}
    np.testing.assert_array_equal(a_img, b_img)
    np.testing.assert_array_equal(a_mask, b_mask)
    if a_img.shape == pair[0].shape:
        assert np.abs(a_img.astype(int) - pair[0].astype(int)).mean() > 0.3, "the shift should visibly change the image"
    assert not np.array_equal(a_img, c_img), "another seed should give another shift"


@pytest.mark.parametrize("name", [n for n in S.SHIFTS if n not in ("fov_circle", "fov_rect", "scale_aspect")])
def test_shift_keeps_size_and_mask(name, pair):
    img, mask = run(name, pair)
    assert img.shape == pair[0].shape
    np.testing.assert_array_equal(mask, pair[1])


def test_illumination_changes_brightness_across_the_image(pair):
    img, _ = run("illumination", pair, 1)
    ratio = img.astype(float).mean((0, 2)) / np.maximum(pair[0].astype(float).mean((0, 2)), 1)
    assert ratio.max() / ratio.min() > 1.05 or abs(ratio.mean() - 1) > 0.1


def test_white_balance_shifts_the_colour_not_the_brightness(pair):
    img, _ = run("white_balance", pair, 2)
    before, after = pair[0].astype(float).mean((0, 1)), img.astype(float).mean((0, 1))
    assert abs(after.mean() - before.mean()) / before.mean() < 0.08
    assert np.abs((after / after.mean()) - (before / before.mean())).max() > 0.03


def test_fov_circle_darkens_the_corners_and_hides_the_lesion_there(pair):
    img, mask = run("fov_circle", pair, 5)
    h, w = mask.shape
    corners = np.concatenate([img[:4, :4].reshape(-1, 3), img[:4, -4:].reshape(-1, 3), img[-4:, :4].reshape(-1, 3), img[-4:, -4:].reshape(-1, 3)])
    assert corners.mean() < 35
    centre = img[h // 2 - 5 : h // 2 + 5, w // 2 - 5 : w // 2 + 5]
    np.testing.assert_array_equal(centre, pair[0][h // 2 - 5 : h // 2 + 5, w // 2 - 5 : w // 2 + 5])
    assert mask.sum() <= pair[1].sum() and not np.any(mask & ~pair[1].astype(bool))


def test_fov_rect_blackens_at_least_one_border_band(pair):
    img, mask = run("fov_rect", pair, 6)
    edges = [img[0].mean(), img[-1].mean(), img[:, 0].mean(), img[:, -1].mean()]
    assert min(edges) < 35
    assert not np.any(mask & ~pair[1].astype(bool))


def test_vignetting_darkens_corners_more_than_the_centre(pair):
    img, _ = run("vignetting", pair, 7)
    g = img.astype(float) / np.maximum(pair[0].astype(float), 1)
    h, w = img.shape[:2]
    assert g[:5, :5].mean() < g[h // 2 - 5 : h // 2 + 5, w // 2 - 5 : w // 2 + 5].mean() - 0.1


def test_gel_bubbles_add_bright_highlights(pair):
    img, _ = run("gel_bubbles", pair, 8)
    assert (img.astype(int).sum(2) > pair[0].astype(int).sum(2) + 60).sum() > 20


def test_ruler_draws_a_straight_line_near_an_edge(pair):
    img, _ = run("ruler", pair, 9)
    diff = np.abs(img.astype(int) - pair[0].astype(int)).sum(2) > 0
    rows, cols = diff.mean(1), diff.mean(0)
    assert rows.max() > 0.8 or cols.max() > 0.8  # the ruler's base line spans the image


def test_hair_draws_thin_dark_curves(pair):
    img, _ = run("hair", pair, 10)
    changed = np.abs(img.astype(int) - pair[0].astype(int)).sum(2) > 30
    assert 0.002 < changed.mean() < 0.2
    assert img[changed].mean() < pair[0][changed].mean()


def test_blur_lowers_the_high_frequencies(pair):
    img, _ = run("blur", pair, 11)
    def hf(a):
        a = a.astype(float).mean(2)
        return np.abs(np.diff(a, axis=1)).mean()
    assert hf(img) < 0.9 * hf(pair[0])


def test_jpeg_is_a_lossy_round_trip(pair):
    img, _ = run("jpeg", pair, 12)
    err = np.abs(img.astype(int) - pair[0].astype(int)).mean()
    assert 0.5 < err < 15


def test_scale_aspect_resizes_image_and_mask_together(pair):
    for seed in range(5):
        img, mask = run("scale_aspect", pair, seed)
        assert img.shape[:2] == mask.shape and max(mask.shape) <= 800
        frac_before, frac_after = pair[1].mean(), mask.mean()
        assert abs(frac_after - frac_before) < 0.03  # the lesion covers the same share of the image


def test_combined_and_train_augment_are_deterministic(pair):
    a = S.combined(pair[0].copy(), pair[1].copy(), np.random.default_rng(1), p=0.9)
    b = S.combined(pair[0].copy(), pair[1].copy(), np.random.default_rng(1), p=0.9)
    np.testing.assert_array_equal(a[0], b[0])
    t = S.train_augment(pair[0].copy(), pair[1].copy(), np.random.default_rng(2), p=1.0)
    assert t[0].shape[:2] == t[1].shape and max(t[1].shape) <= 320
