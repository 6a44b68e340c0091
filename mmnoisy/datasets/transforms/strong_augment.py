"""Strong data augmentation (SDA) of `Simple Baseline <https://arxiv.org/abs/2104.07256>`_:
a pool of 17 photometric operations, ``num_ops`` distinct ones applied to each image.

Each operation is a function ``op(img, rng, m) -> img`` on a uint8 HxWx3 image, where ``rng``
is a ``np.random.Generator`` and ``m`` the magnitudes. The defaults are the released
configuration (``jianlong-yuan/SimpleBaseline``, ``segmentron/data/randaug.py``: imgaug
operations at magnitude 20 of 40); see ``docs/simple_baseline.md`` for each value's source.
"""
import copy
from typing import Callable, Dict, Optional, Sequence

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from mmnoisy.registry import TRANSFORMS

_MAGNITUDE, _MAX_MAGNITUDE = 20, 40  # released Magnitude / max_Magnitude


def _released(low: float, high: float) -> float:
    """The released value of an imgaug range: ``np.linspace(low, high, 40)[20]``."""
    return low + (high - low) * _MAGNITUDE / (_MAX_MAGNITUDE - 1)


RELEASED_MAGNITUDES = dict(
    contrast_gamma=_released(0.5, 1.5),  # 1.013: 255 * (x / 255) ** gamma
    contrast_linear=_released(0.5, 2.0),  # 1.269: 127 + alpha * (x - 127)
    brightness=_released(-20, 50),  # 15.9, added to every channel (imgaug rounds: +16)
    brightness_channel=_released(-20, 50),  # per channel; a constant as released
    hsv=(-20, 20),  # hue (OpenCV units, 180 = a full turn) and saturation offsets
    blur=_released(1.5, 2.0),  # Gaussian sigma 1.756
    noise_gau=_released(0.03 * 255, 0.08 * 255),  # sigma 14.19, one value per pixel
    noise_pos=_released(10, 15),  # lambda 12.56, random sign, one value per pixel
    dropout=(0.2, 0.5),  # p ~ U(0.2, 0.5) per image, each channel value dropped
    coarse_dropout=0.2,  # p of a cell of the low-resolution grid, per channel
    coarse_grid=(3, 5),  # cells of the grid along each side (imgaug: (2, 5), at least 3)
    multiply=(0.25, 2.5),  # factor ~ U per channel
    salt_pepper=(0.0, 0.1),  # p ~ U per image, each channel value -> 0 or 255
    solarize=(64, 192),  # threshold ~ U: values >= it are inverted
    jpeg_compression=(85, 95),  # imgaug compression strength (JPEG quality 17 .. 7)
    invert_prob=0.5,  # each channel inverted with this probability (at least one)
)


def _uniform(rng: np.random.Generator, value, size=None):
    """A constant, or a sample of U(low, high) when ``value`` is a (low, high) pair."""
    if isinstance(value, (tuple, list)):
        return rng.uniform(value[0], value[1], size)
    return value if size is None else np.full(size, value, dtype=np.float64)


def _lut(img: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Apply a 256-entry table (one per channel when ``table`` is (256, C))."""
    table = np.clip(np.rint(table), 0, 255).astype(np.uint8)
    if table.ndim == 2:
        table = np.ascontiguousarray(table.reshape(256, 1, -1))
    return cv2.LUT(img, table)


_LEVELS = np.arange(256, dtype=np.float64)


def contrast_gamma(img, rng, m):
    return _lut(img, 255 * (_LEVELS / 255)**_uniform(rng, m['contrast_gamma']))


def contrast_linear(img, rng, m):
    return _lut(img, 127 + _uniform(rng, m['contrast_linear']) * (_LEVELS - 127))


def brightness(img, rng, m):
    return _lut(img, _LEVELS + _uniform(rng, m['brightness']))


def brightness_channel(img, rng, m):
    shift = _uniform(rng, m['brightness_channel'], img.shape[2])
    return _lut(img, _LEVELS[:, None] + shift[None])


def equalize(img, rng, m, to_lab=cv2.COLOR_BGR2LAB, from_lab=cv2.COLOR_LAB2BGR):
    """Histogram equalisation of the L channel of Lab (colours kept)."""
    lab = cv2.cvtColor(img, to_lab)
    lab[..., 0] = cv2.equalizeHist(np.ascontiguousarray(lab[..., 0]))
    return cv2.cvtColor(lab, from_lab)


def hsv(img, rng, m, to_hsv=cv2.COLOR_BGR2HSV, from_hsv=cv2.COLOR_HSV2BGR):
    """Shift hue (cyclic, 0..179) and saturation (clipped) by offsets drawn from ``hsv``."""
    hue, sat = _uniform(rng, m['hsv'], 2)
    table = np.stack([(_LEVELS + np.rint(hue)) % 180, _LEVELS + sat, _LEVELS], axis=1)
    return cv2.cvtColor(_lut(cv2.cvtColor(img, to_hsv), table), from_hsv)


def invert_channel(img, rng, m):
    """``255 - x`` on each channel chosen with probability ``invert_prob`` (at least one)."""
    chosen = rng.random(img.shape[2]) < m['invert_prob']
    if not chosen.any():
        chosen[rng.integers(img.shape[2])] = True
    table = np.where(chosen[None], 255 - _LEVELS[:, None], _LEVELS[:, None])
    return _lut(img, table)


def blur(img, rng, m):
    """Gaussian blur; kernel size as imgaug's: the odd number near ``3.3 * sigma``."""
    sigma = _uniform(rng, m['blur'])
    ksize = int(3.3 * sigma)
    ksize += 1 - ksize % 2
    return cv2.GaussianBlur(img, (ksize, ksize), sigmaX=sigma, sigmaY=sigma)


def _add_pixel_noise(img: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Add one noise value per pixel (the same on every channel), clipped to uint8."""
    out = img.astype(np.int16)
    out += noise[..., None] if noise.dtype == np.int16 else np.rint(noise).astype(
        np.int16)[..., None]
    return np.clip(out, 0, 255, out=out).astype(np.uint8)


def noise_gau(img, rng, m):
    noise = rng.standard_normal(img.shape[:2], dtype=np.float32) * _uniform(rng, m['noise_gau'])
    return _add_pixel_noise(img, noise)


def _poisson_table(lam: float, bits: int = 15) -> np.ndarray:
    """Inverse CDF of Poisson(lam) at the centres of ``2**bits`` equal probability bins."""
    k = np.arange(int(lam + 12 * np.sqrt(lam) + 20))
    log_pmf = k * np.log(lam) - lam - np.cumsum(np.log(np.maximum(k, 1)))
    cdf = np.cumsum(np.exp(log_pmf))
    centres = (np.arange(2**bits) + 0.5) / 2**bits
    return np.minimum(np.searchsorted(cdf, centres), k[-1]).astype(np.int16)


def noise_pos(img, rng, m):
    """Poisson noise with a random sign (imgaug's AdditivePoissonNoise), drawn by inverse
    transform sampling: 15 bits of a random integer pick the magnitude, one the sign."""
    table = _poisson_table(_uniform(rng, m['noise_pos']))
    bits = rng.integers(0, 2**16, img.shape[:2], dtype=np.uint16)
    noise = table[bits & 0x7FFF]
    noise[bits >= 2**15] *= -1
    return _add_pixel_noise(img, noise)


def channel_shuffle(img, rng, m):
    """A random channel permutation other than the identity."""
    order = rng.permutation(img.shape[2])
    if (order == np.arange(img.shape[2])).all():
        order = np.roll(order, 1)
    return np.ascontiguousarray(img[..., order])


def dropout(img, rng, m):
    keep = rng.random(img.shape, dtype=np.float32) >= _uniform(rng, m['dropout'])
    return img * keep


def coarse_dropout(img, rng, m):
    """Drop the cells of a random low-resolution grid, independently per channel."""
    low, high = m['coarse_grid']
    grid_h, grid_w = rng.integers(low, high + 1, 2)
    keep = (rng.random((grid_h, grid_w, img.shape[2])) >= m['coarse_dropout']).astype(np.uint8)
    keep = cv2.resize(keep, img.shape[1::-1], interpolation=cv2.INTER_NEAREST)
    return img * keep.reshape(img.shape)


def multiply(img, rng, m):
    factor = _uniform(rng, m['multiply'], img.shape[2])
    return _lut(img, _LEVELS[:, None] * factor[None])


def salt_pepper(img, rng, m):
    """Each channel value becomes 0 (pepper) or 255 (salt) with probability p / 2 each."""
    p = _uniform(rng, m['salt_pepper'])
    u = rng.random(img.shape, dtype=np.float32)
    out = img.copy()
    out[u < p / 2] = 0
    out[(u >= p / 2) & (u < p)] = 255
    return out


def solarize(img, rng, m):
    """``mmcv.solarize`` (values >= the threshold become ``255 - x``), as a lookup table."""
    threshold = _uniform(rng, m['solarize'])
    return _lut(img, np.where(_LEVELS < threshold, _LEVELS, 255 - _LEVELS))


def jpeg_compression(img, rng, m):
    """JPEG round trip; imgaug maps compression c in [0, 100] to quality
    ``1 + 99 * (1 - c / 101)``."""
    compression = _uniform(rng, m['jpeg_compression'])
    quality = int(np.clip(np.rint(1 + 99 * (1 - compression / 101)), 1, 100))
    ok, buffer = cv2.imencode('.jpg', img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(buffer, cv2.IMREAD_COLOR)


def released_hsv(img, rng, m):
    """As released: ``AddToHueAndSaturation(int(0.51))`` adds 0, a no-op."""
    return img


def released_invert_channel(img, rng, m):
    """As released: the channel order is reversed (RGB <-> BGR), nothing is inverted."""
    return np.ascontiguousarray(img[..., ::-1])


# The released pool, in its canonical order (sampled ops are applied in this order).
OPS: Dict[str, Callable] = dict(
    contrast_gamma=contrast_gamma,
    contrast_linear=contrast_linear,
    brightness=brightness,
    brightness_channel=brightness_channel,
    equalize=equalize,
    hsv=hsv,
    invert_channel=invert_channel,
    blur=blur,
    noise_gau=noise_gau,
    noise_pos=noise_pos,
    channel_shuffle=channel_shuffle,
    dropout=dropout,
    coarse_dropout=coarse_dropout,
    multiply=multiply,
    salt_pepper=salt_pepper,
    solarize=solarize,
    jpeg_compression=jpeg_compression)
RELEASED_OPS = dict(OPS, hsv=released_hsv, invert_channel=released_invert_channel)
_RGB_OPS = dict(
    equalize=lambda img, rng, m: equalize(img, rng, m, cv2.COLOR_RGB2LAB, cv2.COLOR_LAB2RGB),
    hsv=lambda img, rng, m: hsv(img, rng, m, cv2.COLOR_RGB2HSV, cv2.COLOR_HSV2RGB))


@TRANSFORMS.register_module()
class StrongAugment(BaseTransform):
    """Simple Baseline's strong augmentation: ``num_ops`` distinct operations drawn from the
    17-op photometric pool, applied in the pool's order. Only ``results['img']`` changes
    (labels and geometry are untouched); ``results['strong'] = True`` marks the sample
    (keep ``'strong'`` in ``PackSegInputs.meta_keys`` to route it through DSBN's aux
    branch).

    Randomness comes from numpy's global generator (seeded by mmengine's
    ``randomness.seed`` and per dataloader worker), so pipelines are reproducible.

    Args:
        num_ops (int): Distinct operations per image. Default: 3 (released).
        ops (Sequence[str], optional): The pool (a subset of :data:`OPS`, any order; applied
            in the canonical order). Default: all 17.
        magnitudes (dict, optional): Overrides of :data:`RELEASED_MAGNITUDES`; a value may
            be a number or a (low, high) range sampled per image.
        prob (float): Probability of augmenting an image at all. Default: 1.0.
        released_ops (bool): Reproduce the released code's two broken operations: ``hsv``
            is a no-op and ``invert_channel`` reverses the channel order. Default: False.
        channel_order (str): 'bgr' (mmseg's ``LoadImageFromFile``) or 'rgb'; used by the
            colour-space operations (equalize, hsv). Default: 'bgr'.
    """

    def __init__(self,
                 num_ops: int = 3,
                 ops: Optional[Sequence[str]] = None,
                 magnitudes: Optional[dict] = None,
                 prob: float = 1.0,
                 released_ops: bool = False,
                 channel_order: str = 'bgr'):
        pool = dict(RELEASED_OPS if released_ops else OPS)
        if channel_order == 'rgb':
            pool.update({k: v for k, v in _RGB_OPS.items() if pool[k] is OPS[k]})
        elif channel_order != 'bgr':
            raise ValueError(f"channel_order must be 'bgr' or 'rgb', got {channel_order!r}")
        ops = list(OPS) if ops is None else list(ops)
        unknown = sorted(set(ops) - set(OPS))
        if unknown:
            raise ValueError(f'unknown strong augmentation ops {unknown}; known: {list(OPS)}')
        if not 0 <= num_ops <= len(ops):
            raise ValueError(f'num_ops must be in [0, {len(ops)}], got {num_ops}')
        unknown = sorted(set(magnitudes or {}) - set(RELEASED_MAGNITUDES))
        if unknown:
            raise ValueError(f'unknown magnitudes {unknown}; known: {list(RELEASED_MAGNITUDES)}')
        self.ops = [name for name in OPS if name in ops]  # canonical order
        self.funcs = [pool[name] for name in self.ops]
        self.num_ops = num_ops
        self.magnitudes = dict(copy.deepcopy(RELEASED_MAGNITUDES), **(magnitudes or {}))
        self.prob = prob
        self.released_ops = released_ops
        self.channel_order = channel_order

    def sample_ops(self, rng: np.random.Generator) -> list:
        """Indices into ``self.ops`` of this image's operations, sorted."""
        return sorted(rng.choice(len(self.ops), self.num_ops, replace=False).tolist())

    def augment(self, img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        if img.dtype != np.uint8 or img.ndim != 3 or img.shape[2] != 3:
            raise ValueError(f'StrongAugment needs a uint8 HxWx3 image, got {img.dtype} '
                             f'{img.shape}')
        if rng.random() >= self.prob:
            return img
        for index in self.sample_ops(rng):
            img = self.funcs[index](img, rng, self.magnitudes)
        return img

    def transform(self, results: dict) -> dict:
        rng = np.random.default_rng(np.random.randint(2**31))
        results['img'] = self.augment(results['img'], rng)
        results['strong'] = True
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_ops={self.num_ops}, ops={self.ops}, '
                f'prob={self.prob}, released_ops={self.released_ops}, '
                f'channel_order={self.channel_order!r})')
