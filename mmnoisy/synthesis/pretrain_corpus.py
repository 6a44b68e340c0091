"""The tables of the pretraining corpus (``ShapesSpec(corpus='pretrain')``).

What ImageNet or COCO is to VOC, this corpus is to the benchmark data of
:mod:`.shapes_generator`: rendered by the same renderer, but from other object classes
(none of the benchmark's disc, square, triangle, ring, cross, ellipse, star or bar), other
textures, and other scene statistics: 3 to ``max_objects`` objects per image instead of 1 to
``max_objects``, a flat class frequency instead of a long tail, one size range for every
class, and a background of a colour gradient under tiled noise instead of colour blobs. Its
images come from their own seed words (:data:`SPLIT_SEEDS`), so no corpus image is a
benchmark image whatever the seeds.

Shapes and textures take object-frame coordinates as in :mod:`.shapes_generator`: ``u``
along the object's axis, ``v`` across it, in pixels from its centre.
"""
from typing import Callable, Tuple

import numpy as np

from mmnoisy.datasets.shapes import PRETRAIN_CLASSES, PRETRAIN_PALETTE

CLASSES, PALETTE = PRETRAIN_CLASSES, PRETRAIN_PALETTE
# The benchmark's split words are 0 and 1: these never meet them.
SPLIT_SEEDS = {'train': 1000, 'val': 1001}
CLASS_WEIGHTS = (0.1, ) * 10
CLASS_SIZE = ((0.10, 0.24), ) * 10
MIN_OBJECTS = 3
TEXTURE_PERIOD = (4.0, 11.0)


# ---------------------------------------------------------------- shapes (boolean masks)
def _hexagon(u, v, r):
    """A regular hexagon stretched 1.5x along the object's axis (neither disc- nor
    square-like)."""
    inside = np.ones(u.shape, bool)
    for k in range(6):
        angle = k * np.pi / 3
        inside &= u / 1.5 * np.cos(angle) + v * np.sin(angle) < 0.65 * r
    return inside


def _crescent(u, v, r):
    return (u * u + v * v < r * r) & ((u - 0.45 * r)**2 + v * v > (0.8 * r)**2)


def _arrow(u, v, r):
    shaft = (u > -r) & (u < 0.2 * r) & (np.abs(v) < 0.18 * r)
    head = (u >= 0.2 * r) & (u < r) & (np.abs(v) < 0.7 * (r - u))
    return shaft | head


def _heart(u, v, r):
    x, y = v / (0.75 * r), -u / (0.75 * r) + 0.15
    return (x * x + y * y - 1)**3 - x * x * y**3 < 0


def _l_shape(u, v, r):
    return (np.abs(u) < r) & (np.abs(v) < r) & ((u < -0.3 * r) | (v < -0.3 * r))


def _droplet(u, v, r):
    bulb = (u + 0.3 * r)**2 + v * v < (0.6 * r)**2
    tip = (u > -0.3 * r) & (u < r) & (np.abs(v) < 0.6 * (r - u) / 1.3)
    return bulb | tip


def _chevron(u, v, r):
    bent = u - 0.8 * np.abs(v)
    return (np.abs(v) < r) & (bent > -0.4 * r) & (bent < 0.05 * r)


def _semicircle(u, v, r):
    return (u * u + v * v < r * r) & (u > -0.1 * r)


def _hourglass(u, v, r):
    return (np.abs(u) < 0.9 * r) & (np.abs(v) < 0.9 * np.abs(u) + 0.1 * r)


def _trapezoid(u, v, r):
    half_width = r * (0.35 + 0.45 * (v + 0.7 * r) / (1.4 * r))
    return (np.abs(v) < 0.7 * r) & (np.abs(u) < half_width)


SHAPES: Tuple[Callable, ...] = (_hexagon, _crescent, _arrow, _heart, _l_shape, _droplet,
                                _chevron, _semicircle, _hourglass, _trapezoid)


# ------------------------------------------------------------- textures (values in [0, 1])
def _waves(u, v, period, rng):
    return (np.sin(2 * np.pi * (u + 0.4 * period * np.sin(np.pi * v / period)) / period)
            > 0).astype(np.float32)


def _hatching(u, v, period, rng):
    return (np.mod((u + v) / np.sqrt(2), period) < 0.2 * period).astype(np.float32)


def _zigzag(u, v, period, rng):
    triangle = np.abs(np.mod(v / period, 2) - 1) * period
    return (np.mod(u + triangle, period) < period / 2).astype(np.float32)


def _blobs(u, v, period, rng):
    """Three sinusoids of random directions and phases, thresholded: irregular blobs."""
    field = np.zeros(u.shape, np.float32)
    for angle, phase in rng.uniform(0, 2 * np.pi, size=(3, 2)):
        field += np.sin(2 * np.pi * (u * np.cos(angle) + v * np.sin(angle)) / (2 * period)
                        + phase)
    return (field > 0).astype(np.float32)


def _spiral(u, v, period, rng):
    return (np.sin(3 * np.arctan2(v, u) + 2 * np.pi * np.hypot(u, v) / period)
            > 0).astype(np.float32)


def _spokes(u, v, period, rng):
    return (np.sin(8 * np.arctan2(v, u)) > 0).astype(np.float32)


def _bricks(u, v, period, rng):
    row = np.floor(v / period)
    shifted = u + np.mod(row, 2) * period
    mortar = (np.mod(v, period) < 0.2 * period) | (np.mod(shifted, 2 * period) < 0.2 * period)
    return (~mortar).astype(np.float32)


def _plaid(u, v, period, rng):
    return (0.5 + 0.25 * np.sin(2 * np.pi * u / period) +
            0.25 * np.sin(2 * np.pi * v / (1.7 * period))).astype(np.float32)


def _fade(u, v, period, rng):
    return np.clip(1 - np.hypot(u, v) / (4 * period), 0, 1).astype(np.float32)


def _ripples(u, v, period, rng):
    return (np.sin(2 * np.pi * np.hypot(u - period, v) / period) *
            np.sin(2 * np.pi * np.hypot(u + period, v) / period) > 0).astype(np.float32)


TEXTURES: Tuple[Callable, ...] = (_waves, _hatching, _zigzag, _blobs, _spiral, _spokes,
                                  _bricks, _plaid, _fade, _ripples)


# ------------------------------------------------------------------------------ background
def background(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """A linear gradient between two colours in a random direction, under a random tile of
    noise repeated over the image."""
    start, end = rng.uniform(20, 235, size=(2, 3)).astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ramp = xx * np.cos(angle) + yy * np.sin(angle)
    ramp = (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1.0)
    image = start + ramp[..., None] * (end - start)
    side = int(rng.integers(6, 17))
    tile = rng.normal(0, 14, size=(side, side, 3)).astype(np.float32)
    return image + np.tile(tile, (h // side + 1, w // side + 1, 1))[:h, :w]
