"""StrongAugment: each op does what its definition says; labels untouched; seeding."""
import cv2
import numpy as np
import pytest
from mmengine.registry import init_default_scope

from mmnoisy.datasets.transforms.strong_augment import (OPS, RELEASED_MAGNITUDES,
                                                        StrongAugment)
from mmnoisy.registry import TRANSFORMS

M = dict(RELEASED_MAGNITUDES)


def image(h=40, w=56, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def rng(seed=1):
    return np.random.default_rng(seed)


def apply(name, img, **magnitudes):
    return OPS[name](img.copy(), rng(), dict(M, **magnitudes))


@pytest.mark.parametrize('name', list(OPS))
def test_every_op_changes_the_image_and_keeps_shape_and_dtype(name):
    img = image(33, 47)  # odd sizes
    out = apply(name, img)
    assert out.shape == img.shape and out.dtype == np.uint8
    assert (out != img).any()


def test_lookup_ops_follow_their_formulas():
    img = image()
    x = img.astype(np.float64)
    np.testing.assert_array_equal(apply('contrast_gamma', img, contrast_gamma=2.0),
                                  np.rint(255 * (x / 255)**2).astype(np.uint8))
    np.testing.assert_array_equal(apply('contrast_linear', img, contrast_linear=1.5),
                                  np.clip(np.rint(127 + 1.5 * (x - 127)), 0, 255))
    np.testing.assert_array_equal(apply('brightness', img), np.clip(x + 16, 0, 255))  # 15.9
    np.testing.assert_array_equal(apply('brightness', img, brightness=-30),
                                  np.clip(x - 30, 0, 255))


def test_per_channel_ops_draw_one_value_per_channel():
    flat = np.full((8, 8, 3), 100, np.uint8)
    shifted = apply('brightness_channel', flat, brightness_channel=(-40, 40))
    assert len(np.unique(shifted.reshape(-1, 3), axis=0)) == 1  # constant per channel
    assert len(set(shifted[0, 0].tolist())) == 3  # different per channel
    scaled = apply('multiply', flat)
    factors = scaled[0, 0] / 100
    assert ((factors >= 0.25 - 0.01) & (factors <= 2.5 + 0.01)).all()
    assert len(set(scaled[0, 0].tolist())) == 3


def test_invert_channel_is_255_minus_x_on_the_chosen_channels():
    img = image()
    for seed in range(6):
        out = OPS['invert_channel'](img, rng(seed), M)
        inverted = [c for c in range(3) if np.array_equal(out[..., c], 255 - img[..., c])]
        kept = [c for c in range(3) if np.array_equal(out[..., c], img[..., c])]
        assert inverted and sorted(inverted + kept) == [0, 1, 2]


def test_solarize_inverts_only_above_the_threshold():
    img = image()
    out = apply('solarize', img, solarize=100)
    np.testing.assert_array_equal(out, np.where(img < 100, img, 255 - img))


def test_channel_shuffle_permutes_channels():
    img = image()
    out = apply('channel_shuffle', img)
    assert sorted(out.reshape(-1, 3).T.tolist()) == sorted(img.reshape(-1, 3).T.tolist())


def test_equalize_spreads_the_lightness_and_hsv_shifts_hue():
    dark = (image() // 4).astype(np.uint8)
    lightness = cv2.cvtColor(apply('equalize', dark), cv2.COLOR_BGR2LAB)[..., 0]
    assert lightness.max() - lightness.min() > 200
    red = np.zeros((4, 4, 3), np.uint8)
    red[..., 2] = 200  # BGR red, hue 0
    out = apply('hsv', red, hsv=(10, 10))  # +10 hue units (20 degrees), +10 saturation
    hue, sat, val = cv2.cvtColor(out, cv2.COLOR_BGR2HSV)[0, 0]
    assert abs(int(hue) - 10) <= 1 and sat == 255 and abs(int(val) - 200) <= 2


def test_noise_ops_add_the_same_value_to_every_channel():
    flat = np.full((64, 64, 3), 128, np.uint8)
    for name, std in (('noise_gau', 14.19), ('noise_pos', np.sqrt(12.56 + 12.56**2))):
        out = apply(name, flat).astype(int)
        assert (out[..., 0] == out[..., 1]).all() and (out[..., 1] == out[..., 2]).all()
        assert abs((out - 128).std() - std) < 0.1 * std


def test_dropout_ops_zero_values_and_keep_the_rest():
    img = np.full((64, 64, 3), 200, np.uint8)
    for name, low, high in (('dropout', 0.2, 0.5), ('coarse_dropout', 0.0, 0.8)):
        out = apply(name, img)
        assert set(np.unique(out)) <= {0, 200}
        assert low - 0.05 <= (out == 0).mean() <= high + 0.05
    out = apply('salt_pepper', img, salt_pepper=0.2)
    assert set(np.unique(out)) == {0, 200, 255}
    assert abs((out != 200).mean() - 0.2) < 0.03


def test_blur_and_jpeg():
    img = image()
    np.testing.assert_array_equal(apply('blur', img),
                                  cv2.GaussianBlur(img, (5, 5), M['blur'], sigmaY=M['blur']))
    out = apply('jpeg_compression', image(64, 64))
    assert out.shape == (64, 64, 3) and out.dtype == np.uint8


def test_released_ops_switch():
    img = image()
    released = StrongAugment(num_ops=1, ops=['hsv'], released_ops=True)
    assert released.augment(img, rng()) is img  # hsv is a no-op as released
    swap = StrongAugment(num_ops=1, ops=['invert_channel'], released_ops=True)
    np.testing.assert_array_equal(swap.augment(img, rng()), img[..., ::-1])


def test_transform_marks_strong_and_leaves_labels_untouched():
    init_default_scope('mmnoisy')
    t = TRANSFORMS.build(dict(type='StrongAugment', num_ops=17))
    label = np.random.default_rng(0).integers(0, 9, (40, 56), dtype=np.uint8)
    results = dict(img=image(), gt_seg_map=label.copy(), seg_fields=['gt_seg_map'],
                   img_shape=(40, 56))
    out = t(results)
    assert out['strong'] is True and out['img_shape'] == (40, 56)
    np.testing.assert_array_equal(out['gt_seg_map'], label)
    assert out['img'].shape == (40, 56, 3)


def test_ops_are_distinct_sorted_and_seeded_by_numpy():
    t = StrongAugment(num_ops=3)
    for seed in range(20):
        ops = t.sample_ops(rng(seed))
        assert len(set(ops)) == 3 and ops == sorted(ops)
    runs = []
    for _ in range(2):
        np.random.seed(5)  # what mmengine's randomness.seed does per worker
        runs.append([t(dict(img=image()))['img'] for _ in range(3)])
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(runs[0][0], runs[0][1])


def test_bad_arguments():
    with pytest.raises(ValueError, match='unknown strong augmentation ops'):
        StrongAugment(ops=['rotate'])
    with pytest.raises(ValueError, match='num_ops must be in'):
        StrongAugment(num_ops=4, ops=['blur', 'hsv'])
    with pytest.raises(ValueError, match='unknown magnitudes'):
        StrongAugment(magnitudes=dict(gama=2))
    with pytest.raises(ValueError, match='uint8 HxWx3'):
        StrongAugment().augment(np.zeros((4, 4), np.uint8), rng())


def _cue_colour_blocks(size=16):
    """One flat block per colour-cue colour (BGR), stacked; and the blocks' interiors."""
    from mmnoisy.synthesis.shapes_generator import CUE_COLOURS
    colours = CUE_COLOURS.reshape(-1, 3)[:, ::-1].astype(np.uint8)
    img = np.repeat(colours[:, None, None], size, 1).repeat(size, 2).reshape(-1, size, 3)
    interior = np.zeros(img.shape[:2], bool)
    for i in range(len(colours)):
        interior[i * size + 4:(i + 1) * size - 4, 4:size - 4] = True
    return np.ascontiguousarray(img), interior


def _share_of_hue_moved(before, after, where, units=15):
    """Share of the saturated pixels in ``where`` whose hue moves by more than ``units``
    (OpenCV hue units, 180 a full turn)."""
    hsv_before = cv2.cvtColor(before, cv2.COLOR_BGR2HSV).astype(int)
    hsv_after = cv2.cvtColor(after, cv2.COLOR_BGR2HSV).astype(int)
    moved = np.abs(hsv_after[..., 0] - hsv_before[..., 0])
    moved = np.minimum(moved, 180 - moved)
    coloured = where & (hsv_before[..., 1] > 40) & (hsv_after[..., 1] > 40)
    return (moved[coloured] > units).mean()


def test_the_keep_hue_ablation_pool_is_exactly_the_ops_that_keep_the_cue_colours():
    """`...simple-baseline-1-8-st-sda-keep-hue.py` claims its pool keeps every pixel's hue
    and drops every op that moves it: checked on the colour-cue data's own colours."""
    from mmengine.config import Config
    cfg = Config.fromfile('configs/simple_baseline/deeplabv2_r18-d8_1xb8-1round_shapes-'
                          '112x112_simple-baseline-1-8-st-sda-keep-hue.py')
    [augment] = cfg.semi_data.strong_transforms
    assert augment.num_ops == 3
    img, interior = _cue_colour_blocks()
    for name in OPS:
        worst = max(_share_of_hue_moved(img, OPS[name](img.copy(), rng(seed), M), interior)
                    for seed in range(20))
        if name in augment.ops:
            assert worst == 0, name
        else:
            assert worst > 0.1, name
