"""Synthetic label noise for semantic segmentation (ADELE, paper 000, §4.1 and Appendix).

Each object (a connected component of one class) of a clean label map is corrupted
independently, with the human-annotation error kinds of the paper (mask dilated or eroded by a
random amount, boundary perturbed, object dropped, object given a wrong class) and the
weakly-supervised kind (under-segmentation that keeps only the most discriminative core of an
object, as CAM-based pseudo labels do). Amounts are relative to the object's size (its
equivalent radius), so one tier means the same on 100 px shapes and on VOC.

The noise of image ``i`` depends only on ``(seed, i)``: the result is identical however the
images are processed.
"""
from dataclasses import asdict, dataclass
from typing import Dict, Optional, Tuple

import numpy as np
from scipy import ndimage

from mmnoisy.evaluation.class_areas import ClassAreas
from mmnoisy.utils.constants import IGNORE_INDEX

KINDS = ('dilate', 'erode', 'boundary', 'drop', 'wrong_class', 'under_segment')


@dataclass(frozen=True)
class NoiseSpec:
    """Per-object probabilities and amounts of each noise kind.

    Args:
        p_resize (float): Probability that an object is dilated or eroded (each with
            probability 1/2).
        resize_range (tuple[float, float]): Radius of the dilation/erosion as a fraction of
            the object's equivalent radius ``sqrt(area / pi)``.
        p_boundary (float): Probability that the object's boundary is perturbed.
        boundary_amount (float): Largest boundary shift, as a fraction of the equivalent
            radius (smooth random field, so the shift varies along the boundary).
        p_drop (float): Probability that the object is removed (labelled background).
        p_wrong_class (float): Probability that the object gets another foreground class.
        p_under_segment (float): Probability that only the most discriminative core of the
            object is kept (WSSS-style under-segmentation).
        keep_range (tuple[float, float]): Fraction of the object's largest inner distance
            that is kept by under-segmentation (0: whole object, 1: nothing).
        min_area (int): Objects smaller than this (pixels) are left unchanged.
    """
    p_resize: float = 0.5
    resize_range: Tuple[float, float] = (0.1, 0.35)
    p_boundary: float = 0.5
    boundary_amount: float = 0.25
    p_drop: float = 0.05
    p_wrong_class: float = 0.05
    p_under_segment: float = 0.2
    keep_range: Tuple[float, float] = (0.3, 0.6)
    min_area: int = 16


TIERS: Dict[str, NoiseSpec] = dict(
    mild=NoiseSpec(p_resize=0.3, resize_range=(0.05, 0.2), p_boundary=0.3,
                   boundary_amount=0.15, p_drop=0.02, p_wrong_class=0.02,
                   p_under_segment=0.05, keep_range=(0.2, 0.4)),
    moderate=NoiseSpec(),
    severe=NoiseSpec(p_resize=0.8, resize_range=(0.2, 0.5), p_boundary=0.7,
                     boundary_amount=0.4, p_drop=0.1, p_wrong_class=0.1,
                     p_under_segment=0.35, keep_range=(0.4, 0.7)),
    # Pseudo labels of weakly-supervised segmentation (CAM seeds): every object keeps only
    # its core, with a ragged edge; the class set is right. One error shared by all objects.
    cam=NoiseSpec(p_resize=0, p_boundary=0.5, boundary_amount=0.15, p_drop=0,
                  p_wrong_class=0, p_under_segment=1.0, keep_range=(0.3, 0.6)),
    # Class confusions: about a third of the objects carry another class, masks exact.
    wrong_class=NoiseSpec(p_resize=0, p_boundary=0, p_drop=0, p_wrong_class=0.35,
                          p_under_segment=0),
)


def get_tier(name: str) -> NoiseSpec:
    """The :class:`NoiseSpec` of a named tier: ``mild``, ``moderate``, ``severe`` (mixed
    per-object errors of growing size), ``cam`` (every object under-segmented) or
    ``wrong_class`` (a third of the objects relabelled)."""
    if name not in TIERS:
        raise KeyError(f'unknown noise tier {name!r}; choose one of {sorted(TIERS)}')
    return TIERS[name]


def image_rng(seed: int, index: int) -> np.random.Generator:
    """The generator for image ``index``: independent of the processing order."""
    return np.random.default_rng([seed, index])


def _disk(radius: int) -> np.ndarray:
    r = np.arange(-radius, radius + 1)
    return r[:, None]**2 + r[None, :]**2 <= radius * radius


def _perturb_boundary(mask: np.ndarray, amount: float, rng: np.random.Generator):
    """Shift the boundary by a smooth random field of at most ``amount`` pixels."""
    dist_in = ndimage.distance_transform_edt(mask)
    dist_out = ndimage.distance_transform_edt(~mask)
    signed = np.where(mask, dist_in, -dist_out)
    sigma = max(amount, 1.0) * 2
    field = ndimage.gaussian_filter(rng.standard_normal(mask.shape), sigma)
    field *= amount / (np.abs(field).max() + 1e-12)
    return signed + field > 0.5


def corrupt_object(mask: np.ndarray, spec: NoiseSpec,
                   rng: np.random.Generator) -> Tuple[np.ndarray, Dict[str, bool]]:
    """Corrupt one object's boolean mask; return the new mask and the kinds applied."""
    applied = dict.fromkeys(KINDS, False)
    radius = np.sqrt(mask.sum() / np.pi)
    if rng.random() < spec.p_drop:
        applied['drop'] = True
        return np.zeros_like(mask), applied
    if rng.random() < spec.p_under_segment:
        dist = ndimage.distance_transform_edt(mask)
        keep = rng.uniform(*spec.keep_range)
        core = dist >= max(keep * dist.max(), 1)
        if core.any():
            mask = core
            applied['under_segment'] = True
    if rng.random() < spec.p_resize:
        r = int(round(rng.uniform(*spec.resize_range) * radius))
        if r >= 1:
            kind = 'dilate' if rng.random() < 0.5 else 'erode'
            op = ndimage.binary_dilation if kind == 'dilate' else ndimage.binary_erosion
            mask = op(mask, structure=_disk(r))
            applied[kind] = True
    if rng.random() < spec.p_boundary and mask.any():
        mask = _perturb_boundary(mask, spec.boundary_amount * radius, rng)
        applied['boundary'] = True
    return mask, applied


def corrupt_label(label: np.ndarray, spec: NoiseSpec, rng: np.random.Generator,
                  num_classes: int,
                  ignore_index: int = IGNORE_INDEX) -> Tuple[np.ndarray, Dict[str, int]]:
    """Corrupt a clean label map object by object.

    Objects are the connected components of each foreground class (class 0 is the
    background). A corrupted object is removed from the map and its new mask painted back
    over background pixels only (a grown object does not overwrite its neighbours); ignored
    pixels stay ignored.

    Args:
        label (np.ndarray): (H, W) uint8 clean label.
        spec (NoiseSpec): What noise to make.
        rng (np.random.Generator): The image's generator (:func:`image_rng`).
        num_classes (int): Number of classes including the background.
        ignore_index (int): Label of ignored pixels. Default: 255.

    Returns:
        tuple[np.ndarray, dict]: The noisy label and how many objects got each kind.
    """
    noisy = label.copy()
    counts = dict.fromkeys(KINDS, 0)
    counts['objects'] = 0
    painted = []
    for cls in range(1, num_classes):
        components, num = ndimage.label(label == cls)
        for k in range(1, num + 1):
            mask = components == k
            if mask.sum() < spec.min_area:
                continue
            counts['objects'] += 1
            new_mask, applied = corrupt_object(mask, spec, rng)
            new_cls = cls
            if rng.random() < spec.p_wrong_class and num_classes > 2:
                new_cls = int(rng.choice([c for c in range(1, num_classes) if c != cls]))
                applied['wrong_class'] = True
            if not any(applied.values()):
                continue
            for kind, done in applied.items():
                counts[kind] += int(done)
            noisy[mask] = 0
            painted.append((new_mask, new_cls))
    for new_mask, new_cls in painted:
        noisy[new_mask & (noisy == 0)] = new_cls
    noisy[label == ignore_index] = ignore_index
    return noisy, counts


class NoiseReport:
    """Streams the per-class areas of noisy against clean labels and the noise counts.

    Args:
        num_classes (int): Number of classes including the background.
        ignore_index (int): Label of ignored pixels (in either map). Default: 255.
    """

    def __init__(self, num_classes: int, ignore_index: int = IGNORE_INDEX):
        self.num_classes = num_classes
        self.ignore_index = ignore_index
        self.areas = ClassAreas(num_classes, ignore_index)
        self.counts: Dict[str, int] = {}
        self.images = 0

    def update(self, clean: np.ndarray, noisy: np.ndarray, counts: Dict[str, int]):
        # Pixels ignored in either map are left out (mmseg leaves out ignored labels only).
        valid = (clean != self.ignore_index) & (noisy != self.ignore_index)
        self.areas.update(noisy[valid], clean[valid])
        for key, value in counts.items():
            self.counts[key] = self.counts.get(key, 0) + value
        self.images += 1

    def merge(self, other: 'NoiseReport') -> None:
        self.areas.merge(other.areas)
        for key, value in other.counts.items():
            self.counts[key] = self.counts.get(key, 0) + value
        self.images += other.images

    def per_class_iou(self) -> np.ndarray:
        """IoU of the noisy labels per class, NaN for a class in neither map."""
        return self.areas.metrics()['IoU']

    def to_dict(self, class_names: Optional[Tuple[str, ...]] = None,
                spec: Optional[NoiseSpec] = None, seed: Optional[int] = None) -> dict:
        scores = self.areas.metrics()
        iou = scores['IoU']
        names = class_names or tuple(str(c) for c in range(self.num_classes))
        total = int(self.areas.area('label').sum())
        return dict(
            images=self.images,
            seed=seed,
            spec=asdict(spec) if spec is not None else None,
            pixel_accuracy=float(scores['aAcc']) if total else 0.0,
            miou=float(np.nanmean(iou)),
            per_class_iou={n: (None if np.isnan(v) else round(float(v), 4))
                           for n, v in zip(names, iou)},
            objects=self.counts)
