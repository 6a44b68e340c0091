"""UniMatch's strong-view photometric transforms on BGR images: hand-computed values, and
torchvision's PIL path (``ImageEnhance``; torchvision itself is not installed) as reference."""
import cv2
import numpy as np
import pytest
from mmengine.registry import DefaultScope, init_default_scope

from mmnoisy.datasets.transforms import ColorJitter, RandomGaussianBlur, RandomGrayscale
from mmnoisy.datasets.transforms.photometric import (adjust_brightness, adjust_contrast,
                                                     adjust_hue, adjust_saturation,
                                                     gaussian_blur, luma)
from mmnoisy.registry import TRANSFORMS

Image = pytest.importorskip('PIL.Image')
ImageEnhance = pytest.importorskip('PIL.ImageEnhance')
ImageFilter = pytest.importorskip('PIL.ImageFilter')


@pytest.fixture(autouse=True)
def mmnoisy_scope():
    init_default_scope('mmnoisy')
    yield
    DefaultScope._instance_dict.clear()


def noise(h=24, w=32, low=0, high=256, seed=0):
    return np.random.default_rng(seed).integers(low, high, (h, w, 3), dtype=np.uint8)


def smooth(h=48, w=64, seed=0):
    img = cv2.GaussianBlur(noise(h, w, seed=seed), (0, 0), 2)
    return cv2.normalize(img, None, 0, 255, cv2.NORM_MINMAX)


def pixel(b, g, r):
    return np.array([[[b, g, r]]], dtype=np.uint8)


def pil(bgr):
    return Image.fromarray(np.ascontiguousarray(bgr[..., ::-1]))


def bgr(pil_img):
    return np.asarray(pil_img)[..., ::-1]


def test_luma_is_itu_601_rounded_as_pil_convert_l():
    # 0.299 * 30 + 0.587 * 20 + 0.114 * 10 = 21.85 -> 22
    np.testing.assert_array_equal(luma(pixel(10, 20, 30)), [[22]])
    out = RandomGrayscale(prob=1.0)(dict(img=pixel(10, 20, 30)))['img']
    np.testing.assert_array_equal(out, pixel(22, 22, 22))
    img = noise()
    b, g, r = (img[..., i].astype(np.int64) for i in range(3))
    formula = (r * 299 + g * 587 + b * 114 + 500) // 1000
    assert np.abs(luma(img).astype(np.int64) - formula).max() <= 1
    np.testing.assert_array_equal(luma(img), np.asarray(pil(img).convert('L')))  # exact


def test_brightness_multiplies_every_value():
    # 50 * 1.25 = 62.5 truncates to 62 as PIL's blend; 200 * 1.5 = 300 clips to 255
    np.testing.assert_array_equal(adjust_brightness(pixel(100, 50, 200), 1.25),
                                  pixel(125, 62, 250))
    np.testing.assert_array_equal(adjust_brightness(pixel(100, 50, 200), 1.5),
                                  pixel(150, 75, 255))
    np.testing.assert_array_equal(adjust_brightness(pixel(100, 50, 200), 0), pixel(0, 0, 0))


def test_contrast_blends_with_the_mean_luma_and_keeps_it():
    img = np.array([[[50] * 3, [150] * 3]], dtype=np.uint8)  # luma mean 100
    np.testing.assert_array_equal(adjust_contrast(img, 0.5), [[[75] * 3, [125] * 3]])
    np.testing.assert_array_equal(adjust_contrast(img, 0), np.full_like(img, 100))
    np.testing.assert_array_equal(adjust_contrast(img, 1.6), [[[20] * 3, [180] * 3]])
    mid = noise(low=60, high=200)  # no clipping at these factors
    for factor in (0.5, 0.8, 1.3):
        assert abs(luma(adjust_contrast(mid, factor)).mean() - luma(mid).mean()) < 1.0


def test_saturation_blends_with_the_luma_image():
    gray = adjust_saturation(noise(), 0)
    np.testing.assert_array_equal(gray, np.repeat(luma(noise())[..., None], 3, axis=2))
    # luma 22: B 22 + 2 * (10 - 22) = -2 -> 0, G 22 - 4 = 18, R 22 + 16 = 38
    np.testing.assert_array_equal(adjust_saturation(pixel(10, 20, 30), 2), pixel(0, 18, 38))
    np.testing.assert_array_equal(adjust_saturation(noise(), 1), noise())


@pytest.mark.parametrize('factor', [0, 0.3, 0.5, 0.77, 1.0, 1.2, 1.37, 1.5])
def test_blends_match_torchvision_pil_path_exactly(factor):
    img = noise()
    np.testing.assert_array_equal(adjust_brightness(img, factor),
                                  bgr(ImageEnhance.Brightness(pil(img)).enhance(factor)))
    np.testing.assert_array_equal(adjust_contrast(img, factor),
                                  bgr(ImageEnhance.Contrast(pil(img)).enhance(factor)))
    np.testing.assert_array_equal(adjust_saturation(img, factor),
                                  bgr(ImageEnhance.Color(pil(img)).enhance(factor)))


@pytest.mark.parametrize('factor, before, after', [
    (0.5, (0, 0, 255), (255, 255, 0)),  # red -> cyan, in B, G, R order
    (1 / 6, (0, 0, 255), (0, 255, 255)),  # red -> yellow
    (-1 / 3, (0, 0, 255), (255, 0, 0)),  # red -> blue
    (1 / 3, (0, 255, 0), (255, 0, 0)),  # green -> blue
    (0.25, (128, 128, 128), (128, 128, 128)),  # gray has no hue
])
def test_hue_rotates_by_turns_in_bgr(factor, before, after):
    np.testing.assert_array_equal(adjust_hue(pixel(*before), factor), pixel(*after))


def test_hue_full_turn_and_zero_are_identity():
    img = noise()
    for factor in (0, 1.0, -1.0):
        np.testing.assert_array_equal(adjust_hue(img, factor), img)


def torchvision_pil_adjust_hue(img, factor):
    """torchvision.transforms.functional_pil.adjust_hue (uint8 H, 255 a turn, wrapping)."""
    h, s, v = pil(img).convert('HSV').split()
    np_h = np.array(h, dtype=np.uint8)
    np_h += np.int32(factor * 255).astype(np.uint8)
    return bgr(Image.merge('HSV', (Image.fromarray(np_h, 'L'), s, v)).convert('RGB'))


def test_hue_is_close_to_torchvision():
    # By hand: int(0.5 * 255) = 127 units of PIL's 255 a turn, H = 127 * 6 / 255 = 2.988
    # sextants: R = 0, G = 255, B = round(255 * 0.988) = 252.
    np.testing.assert_array_equal(torchvision_pil_adjust_hue(pixel(0, 0, 255), 0.5),
                                  pixel(252, 255, 0))
    img = smooth()
    for factor in (-0.25, -0.1, 0.1, 0.25):
        diff = np.abs(adjust_hue(img, factor).astype(int) -
                      torchvision_pil_adjust_hue(img, factor))
        assert diff.mean() < 1.0 and diff.max() <= 12, factor  # 8-bit HSV quantisation


def test_blur_keeps_constants_and_reduces_noise_variance():
    flat = np.full((20, 30, 3), 77, np.uint8)
    np.testing.assert_array_equal(gaussian_blur(flat, 1.7), flat)
    img = noise()
    variances = [gaussian_blur(img, s).astype(float).var() for s in (0.5, 1.0, 2.0)]
    assert img.astype(float).var() > variances[0] > variances[1] > variances[2]
    # sigma 0.5: 5 taps (2 * ceil(1.5) + 1) of exp(-2 x**2): 1, e**-2, e**-8 (x = 0, 1, 2),
    # normalised 0.7866 / 0.1065 / 0.0003; a 255 impulse spreads as their outer product
    w = np.exp(-2.0 * np.arange(-2, 3)**2)
    w /= w.sum()
    impulse = np.zeros((7, 7, 3), np.uint8)
    impulse[3, 3] = 255
    out = gaussian_blur(impulse, 0.5)[1:6, 1:6, 0]
    assert np.abs(out - 255 * np.outer(w, w)).max() < 1.5  # 158 / 21 / 3 (cv2 fixed point)
    assert (out == out.T).all() and (out == out[::-1]).all()


@pytest.mark.parametrize('sigma', [0.5, 1.0, 2.0])
def test_blur_is_close_to_pil_gaussian_blur(sigma):
    img = smooth()
    ref = bgr(pil(img).filter(ImageFilter.GaussianBlur(radius=sigma)))
    diff = np.abs(gaussian_blur(img, sigma).astype(int) - ref)
    inner = diff[6:-6, 6:-6]  # PIL replicates the edge before each of its 3 box passes
    assert diff.mean() < 1.0 and diff.max() <= 12 and inner.max() <= 5, (diff.max(), inner.max())


def transforms(prob):
    # sigma >= 1: cv2's sampled Gaussian leaves an image nearly unchanged below ~0.3
    return [ColorJitter(prob=prob), RandomGrayscale(prob=prob),
            RandomGaussianBlur(sigma_range=(1.0, 2.0), prob=prob)]


def test_prob_zero_is_identity_and_one_always_applies():
    img = noise()
    np.random.seed(0)
    for t in transforms(0.0):
        for _ in range(20):
            np.testing.assert_array_equal(t(dict(img=img.copy()))['img'], img)
    for t in transforms(1.0):
        for _ in range(20):
            assert (t(dict(img=img.copy()))['img'] != img).any(), t
    for _ in range(5):
        out = RandomGrayscale(prob=1.0)(dict(img=img.copy()))['img']
        assert (out == out[..., :1]).all()


def test_prob_is_the_rate_of_application():
    img = noise(4, 4)
    np.random.seed(0)
    for t in transforms(0.5):
        changed = sum((t(dict(img=img.copy()))['img'] != img).any() for _ in range(400))
        assert 160 < changed < 240, t


def test_jitter_order_is_random():
    """Contrast 0 then brightness 2 gives 2 * mean; brightness first clips, then averages."""
    img = np.array([[[0] * 3, [200] * 3]], dtype=np.uint8)  # mean 100
    t = ColorJitter(brightness=(2, 2), contrast=(0, 0), saturation=0, hue=0, prob=1.0)
    np.random.seed(0)
    seen = {int(t(dict(img=img.copy()))['img'][0, 0, 0]) for _ in range(30)}
    assert seen == {200, 128}  # C then B: 100 * 2; B then C: mean(0, 255) = 127.5 -> 128


def test_jitter_matches_torchvision_with_the_same_draws():
    """torchvision's ColorJitter.forward (PIL path, hue 0) fed numpy's draws, in its order:
    permutation first, then the brightness, contrast and saturation factors."""
    t = ColorJitter(hue=0, prob=1.0)
    ops = (ImageEnhance.Brightness, ImageEnhance.Contrast, ImageEnhance.Color)
    for seed in range(8):
        img = noise(seed=seed)
        np.random.seed(seed)
        np.random.rand()
        order = np.random.permutation(4)
        factors = [np.random.uniform(0.5, 1.5) for _ in ops]
        ref = pil(img)
        for i in order:
            if i < 3:
                ref = ops[i](ref).enhance(factors[i])
        np.random.seed(seed)
        np.testing.assert_array_equal(t(dict(img=img))['img'], bgr(ref))


def test_jitter_ranges_follow_torchvision():
    t = ColorJitter(brightness=0.5, contrast=1.5, saturation=(0.2, 0.9), hue=0.25)
    assert (t.brightness, t.contrast, t.saturation, t.hue) == ((0.5, 1.5), (0.0, 2.5),
                                                               (0.2, 0.9), (-0.25, 0.25))
    assert ColorJitter(brightness=0, hue=0).brightness is None
    with pytest.raises(ValueError, match='hue'):
        ColorJitter(hue=0.6)
    with pytest.raises(ValueError, match='brightness'):
        ColorJitter(brightness=-0.1)
    with pytest.raises(ValueError, match='uint8 HxWx3'):
        adjust_hue(noise().astype(np.float32), 0.1)


def test_unimatch_strong_pipeline_from_config(tmp_path):
    """Built from config dicts in scope mmnoisy (our RandomGrayscale, not mmcv's), after
    loading a PNG as BGR: dtype and shape kept; a forced half-turn hue maps red to cyan."""
    path = str(tmp_path / 'red.png')
    Image.fromarray(np.tile(np.array([255, 0, 0], np.uint8), (33, 47, 1))).save(path)  # RGB
    pipeline = TRANSFORMS.build(dict(type='Compose', transforms=[
        dict(type='LoadImageFromFile'),
        dict(type='ColorJitter', brightness=0, contrast=0, saturation=0, hue=(0.5, 0.5),
             prob=1.0),
    ]))
    out = pipeline(dict(img_path=path))['img']
    assert out.dtype == np.uint8 and out.shape == (33, 47, 3)
    np.testing.assert_array_equal(out[5, 5], [255, 255, 0])  # cyan in B, G, R
    strong = TRANSFORMS.build(dict(type='Compose', transforms=[
        dict(type='ColorJitter', brightness=0.5, contrast=0.5, saturation=0.5, hue=0.25,
             prob=0.8),
        dict(type='RandomGrayscale', prob=0.2),
        dict(type='RandomGaussianBlur', sigma_range=(0.1, 2.0), prob=0.5),
    ]))
    assert [type(t) for t in strong.transforms] == [ColorJitter, RandomGrayscale,
                                                    RandomGaussianBlur]
    img = noise(33, 47)
    np.random.seed(0)
    outs = [strong(dict(img=img.copy()))['img'] for _ in range(10)]
    assert all(o.dtype == np.uint8 and o.shape == img.shape for o in outs)
    assert sum((o != img).any() for o in outs) >= 5
    np.random.seed(0)
    np.testing.assert_array_equal(strong(dict(img=img.copy()))['img'], outs[0])  # seeded
    flipped = strong(dict(img=img[:, ::-1]))['img']  # a non-contiguous view is accepted
    assert flipped.shape == img.shape
    assert 'ColorJitter(brightness=(0.5, 1.5)' in repr(strong)
    assert repr(strong.transforms[2]) == 'RandomGaussianBlur(sigma_range=(0.1, 2.0), prob=0.5)'
