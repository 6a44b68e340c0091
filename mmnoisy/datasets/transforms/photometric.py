"""Photometric transforms of the strong views of `UniMatch <https://arxiv.org/abs/2208.09910>`_
(``LiheYoung/UniMatch``, ``dataset/semi.py``), which builds each strong view as::

    if random.random() < 0.8: img = transforms.ColorJitter(0.5, 0.5, 0.5, 0.25)(img)
    img = transforms.RandomGrayscale(p=0.2)(img)
    img = blur(img, p=0.5)  # PIL GaussianBlur(radius=sigma), sigma ~ U(0.1, 2.0)

on PIL RGB images. Here images are mmseg's: uint8 HxWx3 in **BGR** order
(``LoadImageFromFile``). The ``adjust_*`` functions reproduce torchvision's PIL path
(``ImageEnhance``): brightness, contrast and saturation match it exactly (PIL's luma, blend
in float32, truncated and clipped to uint8); hue and blur are close approximations (see
:func:`adjust_hue`, :func:`gaussian_blur`).

Randomness comes from numpy's global generator (seeded by mmengine), like mmcv's transforms.
"""
import math
from typing import Optional, Sequence, Tuple, Union

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from mmnoisy.registry import TRANSFORMS

_LEVELS = np.arange(256, dtype=np.float32)
# PIL's convert('L'): (R * 19595 + G * 38470 + B * 7471 + 2**15) >> 16, i.e. ITU-R 601-2
# luma (0.299 R + 0.587 G + 0.114 B) rounded; in B, G, R order.
_LUMA_BGR = np.array([7471, 38470, 19595], dtype=np.uint32)


def _check(img: np.ndarray) -> np.ndarray:
    if img.dtype != np.uint8 or img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f'photometric transforms need a uint8 HxWx3 BGR image, got '
                         f'{img.dtype} {img.shape}')
    return np.ascontiguousarray(img)


def _blend(img: np.ndarray, degenerate: Union[np.ndarray, float], factor: float) -> np.ndarray:
    """PIL's ``Image.blend(degenerate, img, factor)``: ``degenerate + factor * (img -
    degenerate)`` in float32, clipped to [0, 255] and truncated to uint8."""
    img = img.astype(np.float32)
    out = np.float32(factor) * (img - degenerate) + degenerate
    return np.clip(out, 0, 255, out=out).astype(np.uint8)


def luma(img: np.ndarray) -> np.ndarray:
    """HxW uint8 ITU-R 601-2 luma of a BGR image, bit-exact with PIL's ``convert('L')``."""
    return ((_check(img).astype(np.uint32) @ _LUMA_BGR + (1 << 15)) >> 16).astype(np.uint8)


def adjust_brightness(img: np.ndarray, factor: float) -> np.ndarray:
    """Blend with black: every value times ``factor``."""
    return cv2.LUT(_check(img), _blend(_LEVELS, 0.0, factor))


def adjust_contrast(img: np.ndarray, factor: float) -> np.ndarray:
    """Blend with the mean of the luma image (a scalar, rounded to an integer as PIL)."""
    gray = luma(img)
    mean = int(gray.sum(dtype=np.int64) / gray.size + 0.5)
    return cv2.LUT(_check(img), _blend(_LEVELS, float(mean), factor))


def adjust_saturation(img: np.ndarray, factor: float) -> np.ndarray:
    """Blend with the luma image (0 gives gray)."""
    return _blend(_check(img), luma(img)[..., None].astype(np.float32), factor)


def adjust_hue(img: np.ndarray, factor: float) -> np.ndarray:
    """Rotate the hue by ``factor`` turns (0.5: red -> cyan; 1 or 0: identity), in float HSV.

    torchvision (PIL path) shifts PIL's uint8 H channel (255 units a turn) by
    ``int(factor * 255)`` with uint8 wrap-around; its 8-bit HSV round trip alone moves values
    by up to ~7 levels. This float round trip has no such quantisation, so results differ
    from torchvision's by a few levels (it is exact at factors 0 and 1).
    """
    hsv = cv2.cvtColor(_check(img).astype(np.float32), cv2.COLOR_BGR2HSV)  # H in degrees
    hue = hsv[..., 0]
    hue += np.float32(360 * factor)
    np.mod(hue, 360, out=hue)
    out = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)
    return np.clip(np.rint(out), 0, 255, out=out).astype(np.uint8)


def gaussian_blur(img: np.ndarray, sigma: float) -> np.ndarray:
    """cv2 Gaussian blur, kernel ``2 * ceil(3 sigma) + 1``, edges replicated (as PIL).

    PIL's ``GaussianBlur(radius=sigma)`` approximates a Gaussian of standard deviation sigma
    by three box blurs of the same variance: within a few levels of this one for sigma >= 0.5
    or smooth images; on fine texture at sigma < 0.5 PIL blurs more (the sampled Gaussian's
    variance falls below sigma**2).
    """
    ksize = 2 * math.ceil(3 * sigma) + 1
    return cv2.GaussianBlur(_check(img), (ksize, ksize), sigmaX=sigma, sigmaY=sigma,
                            borderType=cv2.BORDER_REPLICATE)


def _factor_range(value: Union[float, Sequence[float]], name: str, center: float = 1.0,
                  bound: Tuple[float, float] = (0, math.inf)) -> Optional[Tuple[float, float]]:
    """torchvision's ``ColorJitter._check_input``: ``v`` -> [max(0, c - v), c + v] (hue: [-v,
    v]), or a (low, high) pair; None (the adjustment is skipped) for the identity."""
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError(f'{name} must be non-negative, got {value}')
        low, high = center - value, center + value
        if center == 1.0:
            low = max(low, 0.0)
    else:
        low, high = (float(v) for v in value)
    if not bound[0] <= low <= high <= bound[1]:
        raise ValueError(f'{name} range must lie in {bound}, got {(low, high)}')
    return None if low == high == center else (low, high)


@TRANSFORMS.register_module()
class ColorJitter(BaseTransform):
    """torchvision's ``ColorJitter`` on ``results['img']`` (BGR), applied with probability
    ``prob``: brightness, contrast, saturation and hue factors drawn uniformly from their
    ranges, the four adjustments applied in a random order.

    Args:
        brightness (float | Sequence[float]): Factor range [max(0, 1 - b), 1 + b], or a
            (low, high) pair. Default: 0.5 (UniMatch's ``dataset/semi.py``).
        contrast (float | Sequence[float]): As brightness. Default: 0.5.
        saturation (float | Sequence[float]): As brightness. Default: 0.5.
        hue (float | Sequence[float]): Hue shift range [-h, h] in turns, within [-0.5, 0.5].
            Default: 0.25.
        prob (float): Probability of jittering an image. Default: 0.8 (UniMatch).
    """

    def __init__(self,
                 brightness: Union[float, Sequence[float]] = 0.5,
                 contrast: Union[float, Sequence[float]] = 0.5,
                 saturation: Union[float, Sequence[float]] = 0.5,
                 hue: Union[float, Sequence[float]] = 0.25,
                 prob: float = 0.8):
        self.brightness = _factor_range(brightness, 'brightness')
        self.contrast = _factor_range(contrast, 'contrast')
        self.saturation = _factor_range(saturation, 'saturation')
        self.hue = _factor_range(hue, 'hue', center=0.0, bound=(-0.5, 0.5))
        self.prob = prob

    def transform(self, results: dict) -> dict:
        if np.random.rand() >= self.prob:
            return results
        ops = ((adjust_brightness, self.brightness), (adjust_contrast, self.contrast),
               (adjust_saturation, self.saturation), (adjust_hue, self.hue))
        order = np.random.permutation(len(ops))  # drawn first, as torchvision
        factors = [None if r is None else np.random.uniform(*r) for _, r in ops]
        img = results['img']
        for i in order:
            if factors[i] is not None:
                img = ops[i][0](img, factors[i])
        results['img'] = img
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(brightness={self.brightness}, '
                f'contrast={self.contrast}, saturation={self.saturation}, hue={self.hue}, '
                f'prob={self.prob})')


@TRANSFORMS.register_module()
class RandomGrayscale(BaseTransform):
    """torchvision's ``RandomGrayscale``: with probability ``prob``, the luma of
    ``results['img']`` (BGR; PIL's ``convert('L')``) copied into its 3 channels. In scope
    mmnoisy this shadows mmcv's ``RandomGrayscale`` (cv2 weights).

    Args:
        prob (float): Probability of converting an image. Default: 0.2 (UniMatch's
            ``dataset/semi.py``).
    """

    def __init__(self, prob: float = 0.2):
        self.prob = prob

    def transform(self, results: dict) -> dict:
        if np.random.rand() < self.prob:
            results['img'] = np.repeat(luma(results['img'])[..., None], 3, axis=2)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(prob={self.prob})'


@TRANSFORMS.register_module()
class RandomGaussianBlur(BaseTransform):
    """UniMatch's ``blur``: with probability ``prob``, a Gaussian blur of
    ``results['img']`` with sigma ~ U(sigma_range) (see :func:`gaussian_blur` for how it
    relates to the release's PIL ``GaussianBlur(radius=sigma)``).

    Args:
        sigma_range (Sequence[float]): (low, high) of the uniform sigma. Default: (0.1, 2.0)
            (UniMatch's ``dataset/transform.py``, called from ``dataset/semi.py``).
        prob (float): Probability of blurring an image. Default: 0.5 (UniMatch).
    """

    def __init__(self, sigma_range: Sequence[float] = (0.1, 2.0), prob: float = 0.5):
        low, high = (float(s) for s in sigma_range)
        if not 0 < low <= high:
            raise ValueError(f'sigma_range must satisfy 0 < low <= high, got {sigma_range}')
        self.sigma_range = (low, high)
        self.prob = prob

    def transform(self, results: dict) -> dict:
        if np.random.rand() < self.prob:
            results['img'] = gaussian_blur(results['img'], np.random.uniform(*self.sigma_range))
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(sigma_range={self.sigma_range}, prob={self.prob})'
