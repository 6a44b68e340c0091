"""Dense CRF refinement: unary pass-through, colour-edge sharpening, options and errors."""
import sys

import numpy as np
import pytest

from mmnoisy.pseudo import DenseCRFParams, dense_crf

RED, GREEN, BLUE = (200, 30, 30), (30, 200, 30), (30, 30, 200)


def two_halves(size=64, patch_colour=RED):
    """Left half red and mostly class 0, right half blue and class 1, with a wrong patch.

    The 8x8 patch inside the left half leans to class 1 (0.55); its colour is
    ``patch_colour``.
    """
    img = np.zeros((size, size, 3), np.uint8)
    img[:, :size // 2] = RED
    img[:, size // 2:] = BLUE
    prob = np.full((2, size, size), 0.4, np.float32)
    prob[0, :, :size // 2] = 0.6
    prob[1, :, size // 2:] = 0.6
    patch = (slice(20, 28), slice(8, 16))
    img[patch] = patch_colour
    prob[:, patch[0], patch[1]] = np.array([0.45, 0.55])[:, None, None]
    return prob, img, patch


def test_without_pairwise_weight_the_unary_comes_back():
    rng = np.random.default_rng(0)
    prob = rng.dirichlet(np.ones(4), size=(10, 12)).transpose(2, 0, 1).astype(np.float32)
    prob = np.clip(prob, 1e-3, None)
    prob /= prob.sum(0)
    img = rng.integers(0, 255, (10, 12, 3), dtype=np.uint8)
    weak = DenseCRFParams(gaussian_compat=1e-6, bilateral_compat=1e-6)
    np.testing.assert_allclose(dense_crf(prob, img, weak), prob, atol=1e-4)


def test_sharpens_and_fixes_a_wrong_patch_of_the_same_colour():
    prob, img, patch = two_halves()
    refined = dense_crf(prob, img)
    assert refined.shape == prob.shape and refined.dtype == np.float32
    np.testing.assert_allclose(refined.sum(0), 1, atol=1e-5)
    expected = np.zeros(img.shape[:2], np.int64)
    expected[:, img.shape[1] // 2:] = 1
    np.testing.assert_array_equal(refined.argmax(0), expected)
    # 0.6 everywhere outside the patch before; the released kernels push it past tau=0.8.
    assert refined.max(0).min() > 0.8


def test_appearance_kernel_follows_the_image_colours():
    """A patch of its own colour keeps its own (minority) prediction: the colour kernel
    does not pull it towards the differently coloured pixels around it."""
    prob, img, patch = two_halves(patch_colour=GREEN)
    refined = dense_crf(prob, img, DenseCRFParams(gaussian_compat=1e-6))
    assert (refined[:, patch[0], patch[1]].argmax(0) == 1).all()
    prob, img, patch = two_halves(patch_colour=RED)
    refined = dense_crf(prob, img, DenseCRFParams(gaussian_compat=1e-6))
    assert (refined[:, patch[0], patch[1]].argmax(0) == 0).all()


def test_params_build_and_validate():
    assert DenseCRFParams.build(False) is None and DenseCRFParams.build(None) is None
    assert DenseCRFParams.build(True) == DenseCRFParams(1, 3, 3, 32, 13, 10)
    assert DenseCRFParams.build(dict(iterations=5)).iterations == 5
    with pytest.raises(ValueError, match='unknown dense CRF options'):
        DenseCRFParams.build(dict(itertions=5))
    with pytest.raises(ValueError, match='iterations must be >= 1'):
        DenseCRFParams(iterations=0)
    with pytest.raises(ValueError, match='bilateral_srgb must be positive'):
        DenseCRFParams(bilateral_srgb=0)
    with pytest.raises(TypeError, match='crf must be a bool or a dict'):
        DenseCRFParams.build('yes')


def test_shape_mismatch_is_refused():
    prob, img, _ = two_halves()
    with pytest.raises(ValueError, match='same size'):
        dense_crf(prob, img[:32])


def test_missing_pydensecrf_says_how_to_install(monkeypatch):
    from mmnoisy.engine.hooks import AdaptiveLabelCorrectionHook
    monkeypatch.setitem(sys.modules, 'pydensecrf.densecrf', None)
    with pytest.raises(ImportError, match='pip install pydensecrf2'):
        AdaptiveLabelCorrectionHook(crf=True)
    AdaptiveLabelCorrectionHook(crf=True, correct=False)  # curves only: no CRF needed
