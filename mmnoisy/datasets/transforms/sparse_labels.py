"""Sparse labels (scribbles, points) derived from dense masks, deterministic by seed.

Used by the :class:`SynthSparseLabels` transform (on the fly, for the demo) and by
``tools/synth_sparse_labels.py`` (offline, writes label PNGs with the coverage report of
:mod:`mmnoisy.synthesis.sparse_labels`). It lives with the runtime transforms because the
transform needs it; the offline package builds on it, never the reverse. Unlabelled pixels
are 255, the value mmseg's losses ignore.

- **Scribbles**: every connected region of a class (the background included) of at least
  ``min_area`` pixels is thinned to its skeleton (Zhang-Suen); the skeleton is cut at branch
  points into strokes, each kept with probability ``keep_prob`` (the longest always), drawn
  ``width`` px wide and clipped to the region. This imitates ScribbleSup-style annotation:
  thin strokes along objects and background, labelling a few percent of the pixels.
- **Points**: ``k`` pixels drawn uniformly inside each region (away from its border where the
  region is thick enough), each a disc of ``radius`` px (0: one pixel).
"""
import zlib
from typing import List

import numpy as np
from scipy import ndimage

from mmnoisy.registry import TRANSFORMS
from mmnoisy.utils.constants import IGNORE_INDEX

_EIGHT_CONNECTED = np.ones((3, 3), bool)


def _neighbours(mask: np.ndarray) -> List[np.ndarray]:
    """P2..P9 of Zhang-Suen (N, NE, E, SE, S, SW, W, NW), zero outside the image."""
    p = np.pad(mask, 1)
    h, w = mask.shape
    offsets = [(0, 1), (0, 2), (1, 2), (2, 2), (2, 1), (2, 0), (1, 0), (0, 0)]
    return [p[dy:dy + h, dx:dx + w] for dy, dx in offsets]


def skeletonize(mask: np.ndarray) -> np.ndarray:
    """One-pixel-wide 8-connected skeleton of a binary mask (Zhang & Suen, 1984), vectorised."""
    skel = mask.astype(bool).copy()
    while True:
        changed = False
        for step in (0, 1):
            n = _neighbours(skel)
            count = sum(x.astype(np.uint8) for x in n)
            ring = n + n[:1]
            transitions = sum((~a & b).astype(np.uint8) for a, b in zip(ring[:-1], ring[1:]))
            p2, p4, p6, p8 = n[0], n[2], n[4], n[6]
            if step == 0:
                cond = ~(p2 & p4 & p6) & ~(p4 & p6 & p8)
            else:
                cond = ~(p2 & p4 & p8) & ~(p2 & p6 & p8)
            delete = skel & (count >= 2) & (count <= 6) & (transitions == 1) & cond
            if delete.any():
                skel &= ~delete
                changed = True
        if not changed:
            return skel


def _regions(label: np.ndarray, min_area: int):
    """(class id, boolean mask) of each 8-connected region of each class, by class then size."""
    for cls in np.unique(label):
        if cls == IGNORE_INDEX:
            continue
        comps, num = ndimage.label(label == cls, structure=_EIGHT_CONNECTED)
        areas = np.bincount(comps.ravel(), minlength=num + 1)
        for comp in np.argsort(-areas[1:], kind='stable') + 1:
            if areas[comp] >= min_area:
                yield int(cls), comps == comp


def _strokes(skeleton: np.ndarray, keep_prob: float, rng: np.random.Generator) -> np.ndarray:
    """The skeleton cut at branch points into strokes, each kept with ``keep_prob``."""
    neighbours = ndimage.convolve(skeleton.astype(np.uint8), _EIGHT_CONNECTED.astype(np.uint8),
                                  mode='constant') - 1
    branches = skeleton & (neighbours >= 3)
    pieces, num = ndimage.label(skeleton & ~branches, structure=_EIGHT_CONNECTED)
    if num == 0:
        return skeleton
    sizes = np.bincount(pieces.ravel(), minlength=num + 1)[1:]
    keep = rng.random(num) < keep_prob
    keep[np.argmax(sizes)] = True
    return np.concatenate([[False], keep])[pieces]


def _axis_stroke(region: np.ndarray, margin: int = 2) -> np.ndarray:
    """A line through the region's centroid along its principal axis, inside the region.

    Blob-like regions (discs, squares) thin to a dot or a small cross; an annotator would
    draw a stroke across them instead.
    """
    ys, xs = np.nonzero(region)
    coords = np.stack([ys, xs], 1).astype(np.float64)
    centre = coords.mean(0)
    _, vecs = np.linalg.eigh(np.cov(coords.T) + 1e-9 * np.eye(2))
    axis = vecs[:, -1]
    extent = np.abs((coords - centre) @ axis).max()
    steps = np.arange(-extent, extent + 1)
    line = np.rint(centre + steps[:, None] * axis).astype(int)
    h, w = region.shape
    line = line[(line[:, 0] >= 0) & (line[:, 0] < h) & (line[:, 1] >= 0) & (line[:, 1] < w)]
    stroke = np.zeros_like(region)
    stroke[line[:, 0], line[:, 1]] = True
    return stroke & (ndimage.distance_transform_edt(region) > margin)


def scribble_label(label: np.ndarray, rng: np.random.Generator, width: int = 3,
                   keep_prob: float = 0.7, min_area: int = 16,
                   min_stroke: float = 0.5) -> np.ndarray:
    """Scribbles drawn from a dense (H, W) label; other pixels 255. See the module doc.

    A region whose kept strokes are shorter than ``min_stroke * sqrt(area)`` pixels also
    gets a stroke along its principal axis.
    """
    out = np.full_like(label, IGNORE_INDEX)
    for cls, region in _regions(label, min_area):
        stroke = _strokes(skeletonize(region), keep_prob, rng)
        if stroke.sum() < min_stroke * np.sqrt(region.sum()):
            stroke |= _axis_stroke(region)
        if width > 1:
            stroke = ndimage.binary_dilation(stroke, iterations=width // 2)
        out[stroke & region] = cls
    return out


def point_label(label: np.ndarray, rng: np.random.Generator, k: int = 1, radius: int = 0,
                min_area: int = 16) -> np.ndarray:
    """``k`` labelled points (discs of ``radius`` px) per region; other pixels 255."""
    out = np.full_like(label, IGNORE_INDEX)
    for cls, region in _regions(label, min_area):
        inner = ndimage.binary_erosion(region, iterations=max(radius, 2))
        ys, xs = np.nonzero(inner if inner.any() else region)
        picks = rng.choice(len(ys), size=min(k, len(ys)), replace=False)
        points = np.zeros_like(region)
        points[ys[picks], xs[picks]] = True
        if radius > 0:
            points = ndimage.binary_dilation(points, iterations=radius)
        out[points & region] = cls
    return out


def sample_rng(seed: int, name: str) -> np.random.Generator:
    """A generator fixed by (seed, sample name): results do not depend on processing order."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def sparsify(label: np.ndarray, mode: str, seed: int, name: str, **kwargs) -> np.ndarray:
    """Scribbles (``mode='scribble'``) or points (``'point'``) for the sample ``name``."""
    makers = {'scribble': scribble_label, 'point': point_label}
    if mode not in makers:
        raise ValueError(f'sparse label mode {mode!r} is unknown; use one of {sorted(makers)}')
    return makers[mode](label, sample_rng(seed, name), **kwargs)


@TRANSFORMS.register_module()
class SynthSparseLabels:
    """Replace ``gt_seg_map`` by scribbles or points derived from it (after LoadAnnotations).

    Deterministic per image: the random generator is seeded by ``seed`` and the image path,
    so every epoch and worker sees the same sparse labels, as with labels read from disk.

    Args:
        mode (str): ``'scribble'`` or ``'point'``. Default: ``'scribble'``.
        seed (int): Default: 0.
        **kwargs: :func:`scribble_label` / :func:`point_label` options (``width``,
            ``keep_prob``, ``k``, ``radius``, ``min_area``).
    """

    def __init__(self, mode: str = 'scribble', seed: int = 0, **kwargs):
        self.mode, self.seed, self.kwargs = mode, seed, kwargs
        sparsify(np.zeros((4, 4), np.uint8), mode, seed, 'check', **kwargs)  # fail early

    def __call__(self, results: dict) -> dict:
        results['gt_seg_map'] = sparsify(results['gt_seg_map'], self.mode, self.seed,
                                         results['img_path'], **self.kwargs)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(mode={self.mode!r}, seed={self.seed}, {self.kwargs})'
