"""Procedural segmentation data: textured shapes on cluttered backgrounds, VOC layout.

Every class pairs a shape with a texture, and colours are drawn from one distribution for
all classes and the background, so colour alone separates nothing: a model has to learn
shape and texture. Objects overlap (later ones occlude earlier ones), and class frequency
is long-tailed: the last classes are both rare and small. Each image is rendered from its
own seed ``(seed, split, index)``, so the data is identical for a given seed however it is
generated (serially or in parallel).

A :class:`Scene` holds what a corpus draws (classes, shapes, textures, scene statistics);
``ShapesSpec.corpus`` picks one of :data:`SCENES`: the benchmark data, or the pretraining
corpus of :mod:`.pretrain_corpus`, rendered by the same code.
"""
import json
import os
import os.path as osp
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Callable, Dict, Optional, Sequence, Tuple

import numpy as np
from PIL import Image

from mmnoisy.datasets.label_io import write_label
from mmnoisy.datasets.shapes import CLASSES, PALETTE
from mmnoisy.datasets.splits import make_dst_cbc_splits, write_splits
from mmnoisy.utils.errors import ConfigError, OutputDirError
from mmnoisy.utils.output_dir import (MARKER, check_output_dir, publish_output_dir,
                                      stage_output_dir)
from mmnoisy.utils.progress import progress as progress_bar
from mmnoisy.version import __version__
from . import pretrain_corpus

# Probability that an object slot draws each foreground class (long tail), and the size
# range of each class as a fraction of the shorter image side (rare classes are small too).
CLASS_WEIGHTS = (0.24, 0.20, 0.16, 0.13, 0.10, 0.08, 0.05, 0.04)
CLASS_SIZE = ((0.16, 0.30), (0.14, 0.26), (0.18, 0.32), (0.16, 0.28), (0.18, 0.30),
              (0.16, 0.28), (0.12, 0.20), (0.12, 0.22))
SPLIT_SEEDS = {'train': 0, 'val': 1}
FORMAT_VERSION = 2
# Semi-supervised split lists written with the data (DST-CBC protocol), and the size of the
# `valtiny` model-selection list (the first val images).
SPLIT_DIVISORS = (4, 8, 20)
VALTINY_SIZE = 20
GENERATOR_TOOL = 'generate_demo_data'  # the name in the root's marker file


@dataclass(frozen=True)
class ShapesSpec:
    """What is generated: changing any field changes the data.

    ``corpus`` names the :data:`SCENES` entry drawn: ``'benchmark'`` (the data the methods
    are measured on) or ``'pretrain'`` (the pretraining corpus, other classes).
    """
    num_train: int = 1000
    num_val: int = 200
    seed: int = 0
    min_size: int = 96
    max_size: int = 160
    max_objects: int = 4
    # Easier variant: each class keeps its own two colours (jittered), so colour is a cue and
    # a small model trained from scratch on few labels becomes a usable teacher.
    colour_cue: bool = False
    format_version: int = FORMAT_VERSION
    corpus: str = 'benchmark'


# ---------------------------------------------------------------- shapes (boolean masks)
# Each shape takes object-frame coordinates (u along the object's axis, v across it, both
# in pixels from its centre) and its size r (pixels), and returns the inside mask.

def _disc(u, v, r):
    return u * u + v * v < r * r


def _square(u, v, r):
    return (np.abs(u) < 0.8 * r) & (np.abs(v) < 0.8 * r)


def _triangle(u, v, r):
    inside = np.ones(u.shape, bool)
    for k in range(3):
        angle = np.pi / 2 + k * 2 * np.pi / 3
        inside &= u * np.cos(angle) + v * np.sin(angle) < 0.5 * r
    return inside


def _ring(u, v, r):
    d2 = u * u + v * v
    return (d2 < r * r) & (d2 > (0.55 * r)**2)


def _cross(u, v, r):
    arm = 0.3 * r
    return ((np.abs(u) < r) & (np.abs(v) < arm)) | ((np.abs(u) < arm) & (np.abs(v) < r))


def _ellipse(u, v, r):
    return (u / r)**2 + (v / (0.4 * r))**2 < 1


def _star(u, v, r):
    radius = np.hypot(u, v)
    return radius < r * (0.6 + 0.4 * np.cos(5 * np.arctan2(v, u)))


def _bar(u, v, r):
    return (np.abs(u) < 1.2 * r) & (np.abs(v) < max(1.5, 0.12 * r))


SHAPES: Tuple[Callable, ...] = (_disc, _square, _triangle, _ring, _cross, _ellipse, _star,
                                _bar)

# ------------------------------------------------------------- textures (values in [0, 1])
# Textures live in the object frame too, so they rotate with the object.


def _stripes(u, v, period, rng):
    return (np.sin(2 * np.pi * u / period) > 0).astype(np.float32)


def _checker(u, v, period, rng):
    return ((np.floor(u / period) + np.floor(v / period)) % 2).astype(np.float32)


def _dots(u, v, period, rng):
    du, dv = np.mod(u, period) - period / 2, np.mod(v, period) - period / 2
    return (du * du + dv * dv < (0.3 * period)**2).astype(np.float32)


def _grain(u, v, period, rng):
    return rng.random(u.shape, dtype=np.float32)


def _concentric(u, v, period, rng):
    return (np.sin(2 * np.pi * np.hypot(u, v) / period) > 0).astype(np.float32)


def _flat(u, v, period, rng):
    return np.full(u.shape, 0.5, np.float32)


def _grid(u, v, period, rng):
    width = 0.25 * period
    return ((np.mod(u, period) < width) | (np.mod(v, period) < width)).astype(np.float32)


def _gradient(u, v, period, rng):
    return np.clip(0.5 + u / (6 * period), 0, 1).astype(np.float32)


TEXTURES: Tuple[Callable, ...] = (_stripes, _checker, _dots, _flat, _grid, _concentric,
                                  _grain, _gradient)


# ------------------------------------------------------------------------------ rendering

def _random_colour(rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(30, 225, size=3).astype(np.float32)


# The colour-cue variant's (colour, accent) per foreground class: distinct hues, each pair
# with enough contrast for its texture to stay visible.
CUE_COLOURS = np.array([
    ((220, 60, 50), (120, 20, 20)), ((60, 200, 70), (20, 90, 30)),
    ((60, 90, 220), (20, 30, 110)), ((230, 210, 60), (130, 110, 20)),
    ((200, 70, 210), (90, 20, 100)), ((60, 210, 210), (20, 100, 100)),
    ((240, 150, 40), (120, 60, 10)), ((240, 240, 240), (90, 90, 90))], np.float32)
CUE_JITTER = 12.0


def _background(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """Smooth colour blobs plus grain: clutter without any class's texture."""
    coarse = rng.uniform(20, 235, size=(4, 4, 3)).astype(np.uint8)
    smooth = np.asarray(Image.fromarray(coarse).resize((w, h), Image.BICUBIC), np.float32)
    return smooth + rng.normal(0, 6, size=(h, w, 3)).astype(np.float32)


@dataclass(frozen=True)
class Scene:
    """What one corpus draws, for :func:`render_sample`.

    Args:
        classes (Sequence[str]): Class names, background first (the label values).
        palette (Sequence[Sequence[int]]): Their colours in the label PNGs.
        shapes (Sequence[Callable]): The mask function of each foreground class.
        textures (Sequence[Callable]): The texture of each foreground class.
        weights (Sequence[float]): Probability that an object slot draws each class.
        sizes (Sequence[tuple]): (min, max) object size of each class, as a fraction of the
            shorter image side.
        background (Callable): ``(h, w, rng) -> (h, w, 3) float32`` image.
        split_seeds (dict): The seed word of each split; corpora use disjoint words, so
            that none draws another's images.
        min_objects (int): Objects per image are drawn from ``[min_objects,
            spec.max_objects]``. Default: 1.
        texture_period (tuple): Range of the texture period in px. Default: (5, 9).
        cue_colours (np.ndarray, optional): The colour-cue variant's (colour, accent) of each
            class; None: the corpus has no such variant.
    """
    classes: Sequence[str]
    palette: Sequence[Sequence[int]]
    shapes: Sequence[Callable]
    textures: Sequence[Callable]
    weights: Sequence[float]
    sizes: Sequence[Tuple[float, float]]
    background: Callable
    split_seeds: Dict[str, int]
    min_objects: int = 1
    texture_period: Tuple[float, float] = (5.0, 9.0)
    cue_colours: Optional[np.ndarray] = field(default=None, compare=False)


SCENES: Dict[str, Scene] = dict(
    benchmark=Scene(CLASSES, PALETTE, SHAPES, TEXTURES, CLASS_WEIGHTS, CLASS_SIZE, _background,
                    SPLIT_SEEDS, cue_colours=CUE_COLOURS),
    pretrain=Scene(pretrain_corpus.CLASSES, pretrain_corpus.PALETTE, pretrain_corpus.SHAPES,
                   pretrain_corpus.TEXTURES, pretrain_corpus.CLASS_WEIGHTS,
                   pretrain_corpus.CLASS_SIZE, pretrain_corpus.background,
                   pretrain_corpus.SPLIT_SEEDS, min_objects=pretrain_corpus.MIN_OBJECTS,
                   texture_period=pretrain_corpus.TEXTURE_PERIOD))


def scene_of(spec: ShapesSpec) -> Scene:
    """The scene ``spec`` draws; a :class:`ConfigError` for an unknown corpus or a colour cue
    the corpus does not have."""
    scene = SCENES.get(spec.corpus)
    if scene is None:
        raise ConfigError(f'unknown corpus {spec.corpus!r}; choose one of '
                          f'{", ".join(SCENES)}')
    if spec.colour_cue and scene.cue_colours is None:
        raise ConfigError(f'the {spec.corpus} corpus has no colour-cue variant; drop '
                          'colour_cue (--colour-cue)')
    if spec.max_objects < scene.min_objects:
        raise ConfigError(f'max_objects={spec.max_objects} is below the {spec.corpus} '
                          f'corpus\'s {scene.min_objects} objects per image')
    return scene


def _paint_object(image, label, class_id, rng, scene: Scene, colour_cue=False):
    h, w = label.shape
    short = min(h, w)
    lo, hi = scene.sizes[class_id - 1]
    r = rng.uniform(lo, hi) * short
    cy, cx = rng.uniform(0.1, 0.9) * h, rng.uniform(0.1, 0.9) * w
    # Render only inside the object's bounding box (+ margin for rotation).
    extent = int(np.ceil(1.3 * r)) + 2
    y0, y1 = max(0, int(cy) - extent), min(h, int(cy) + extent)
    x0, x1 = max(0, int(cx) - extent), min(w, int(cx) + extent)
    if y1 <= y0 or x1 <= x0:
        return
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    theta = rng.uniform(0, 2 * np.pi)
    cos, sin = np.cos(theta), np.sin(theta)
    u = (xx - cx) * cos + (yy - cy) * sin
    v = -(xx - cx) * sin + (yy - cy) * cos
    mask = scene.shapes[class_id - 1](u, v, r)
    if not mask.any():
        return
    period = rng.uniform(*scene.texture_period)
    pattern = scene.textures[class_id - 1](u, v, period, rng)
    colour, accent = _random_colour(rng), _random_colour(rng)
    if colour_cue:
        jitter = rng.normal(0, CUE_JITTER, size=(2, 3)).astype(np.float32)
        colour, accent = scene.cue_colours[class_id - 1] + jitter
    texture = pattern[..., None] * colour + (1 - pattern[..., None]) * accent
    image[y0:y1, x0:x1][mask] = texture[mask]
    label[y0:y1, x0:x1][mask] = class_id


def render_sample(seed: int, split: str, index: int, spec: ShapesSpec = ShapesSpec()):
    """Render one image and its label map.

    Returns:
        tuple[np.ndarray, np.ndarray]: uint8 RGB image (H, W, 3) and uint8 label (H, W).
    """
    scene = scene_of(spec)
    rng = np.random.default_rng([seed, scene.split_seeds[split], index])
    h, w = rng.integers(spec.min_size, spec.max_size + 1, size=2)
    image = scene.background(h, w, rng)
    label = np.zeros((h, w), np.uint8)
    num_objects = rng.integers(scene.min_objects, spec.max_objects + 1)
    classes = rng.choice(len(scene.shapes), size=num_objects, p=scene.weights) + 1
    for class_id in classes:
        _paint_object(image, label, int(class_id), rng, scene, spec.colour_cue)
    image += rng.normal(0, 4, size=image.shape).astype(np.float32)
    return np.clip(image, 0, 255).astype(np.uint8), label


def _palette_bytes(palette: Sequence[Sequence[int]]):
    flat = [c for colour in palette for c in colour]
    return flat + [224, 224, 192] * (256 - len(palette))  # 255 ignore as in VOC


def _write_sample(args):
    root, split, index, spec = args
    name = f'{split}_{index:05d}'
    image, label = render_sample(spec.seed, split, index, spec)
    scene = scene_of(spec)
    Image.fromarray(image).save(osp.join(root, 'JPEGImages', name + '.jpg'), quality=95)
    write_label(osp.join(root, 'SegmentationClass', name + '.png'), label,
                _palette_bytes(scene.palette))
    num_classes = len(scene.classes)
    return name, np.bincount(label.ravel(), minlength=num_classes)[:num_classes]


def _with_defaults(spec: dict) -> dict:
    """A stored spec with the fields added after it was written at their defaults."""
    return {**asdict(ShapesSpec()), **spec}


def _read_meta(root: str) -> Optional[dict]:
    path = osp.join(root, 'meta.json')
    if not osp.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)


# What a demo root holds when the generator wrote it, and nothing else.
GENERATED = ('JPEGImages', 'SegmentationClass', 'ImageSets', 'meta.json', MARKER)


def generate_shapes_dataset(root: str,
                            spec: ShapesSpec = ShapesSpec(),
                            workers: int = 0,
                            overwrite: bool = False,
                            progress: bool = True) -> Dict:
    """Write the procedural dataset to ``root`` in VOC layout.

    ``root/JPEGImages/*.jpg``, ``root/SegmentationClass/*.png`` (palette PNGs, 255 = ignore),
    ``root/ImageSets/Segmentation/{train,val,valtiny}.txt`` with the DST-CBC labeled /
    unlabeled lists of the train set (``{4,8,20}_{labeled,unlabeled}_{0,1,2}.txt``), and
    ``root/meta.json`` (the spec and per-class pixel counts). Generation is idempotent: a
    root that already holds the same spec is left as it is. Files are written to a sibling
    temporary folder that is renamed into place at the end, so an interrupted run never
    leaves a half-written dataset. A non-empty root that this function did not write (no
    marker file, see :mod:`mmnoisy.utils.output_dir`) is never replaced.

    Args:
        root (str): Output folder.
        spec (ShapesSpec): What to generate.
        workers (int): Processes to render with; 0 uses all cores.
        overwrite (bool): Replace a root that this function wrote with another spec.
        progress (bool): Show a progress bar.

    Returns:
        dict: The metadata written to ``meta.json``.
    """
    scene = scene_of(spec)
    existing = _read_meta(root)
    # Roots written before a field existed hold its default.
    if existing is not None and _with_defaults(existing.get('spec', {})) == asdict(spec):
        return existing
    check_output_dir(root, (), GENERATOR_TOOL)  # never replace data it did not write
    if osp.isdir(root) and os.listdir(root) and not overwrite:
        raise OutputDirError(
            f'{root} already holds demo data of another spec (meta.json differs); choose '
            'another folder or pass overwrite=True (--overwrite) to replace it')
    added = sorted(set(os.listdir(root)) - set(GENERATED)) if osp.isdir(root) else []
    if added:
        # Other tools write into the demo root (e.g. synth_noise's noisy-label folders):
        # replacing the root would delete them.
        raise OutputDirError(
            f'{root} holds files the generator did not write ({", ".join(added[:5])}); '
            'replacing it would delete them: move them out first, or choose another folder')
    staging = stage_output_dir(root, (), GENERATOR_TOOL)
    for sub in ('JPEGImages', 'SegmentationClass', 'ImageSets/Segmentation'):
        os.makedirs(osp.join(staging, sub))

    jobs = [(staging, split, i, spec) for split, n in (('train', spec.num_train),
                                                       ('val', spec.num_val))
            for i in range(n)]
    pixel_counts = {split: np.zeros(len(scene.classes), np.int64) for split in SPLIT_SEEDS}
    names = {split: [] for split in SPLIT_SEEDS}
    workers = workers or os.cpu_count() or 1
    bar = progress_bar(len(jobs), f'rendering {root}') if progress else None
    with ProcessPoolExecutor(workers) if workers > 1 else _Serial() as pool:
        for job, (name, counts) in zip(jobs, pool.map(_write_sample, jobs, chunksize=16)):
            split = job[1]
            names[split].append(name)
            pixel_counts[split] += counts
            if bar is not None:
                bar.update()
    lists = dict(names, valtiny=names['val'][:VALTINY_SIZE])
    lists.update(make_dst_cbc_splits(names['train'], SPLIT_DIVISORS))
    write_splits(lists, osp.join(staging, 'ImageSets/Segmentation'))
    meta = dict(
        generator='mmnoisy.synthesis.shapes_generator', mmnoisy_version=__version__,
        spec=asdict(spec), classes=list(scene.classes),
        pixel_counts={k: v.tolist() for k, v in pixel_counts.items()})
    with open(osp.join(staging, 'meta.json'), 'w') as f:
        json.dump(meta, f, indent=1)
    publish_output_dir(staging, root)
    return meta


class _Serial:
    """Stands in for a process pool when rendering in this process."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    @staticmethod
    def map(fn, jobs, chunksize=1):
        return map(fn, jobs)
