"""The pretraining corpus (ShapesSpec(corpus='pretrain')): other classes, textures, scenes
and seeds than the benchmark data, through the same renderer and writer."""
import os

import numpy as np
import pytest

from mmnoisy.datasets import PretrainShapesDataset
from mmnoisy.synthesis import ShapesSpec, generate_shapes_dataset, render_sample
from mmnoisy.synthesis.shapes_generator import SCENES
from mmnoisy.utils.errors import ConfigError
from mmnoisy.utils.output_dir import MARKER, marker_tool

BENCHMARK, CORPUS = SCENES['benchmark'], SCENES['pretrain']
SPEC = ShapesSpec(corpus='pretrain', min_size=128, max_size=192, max_objects=8)


def _mask(shape, r=20.0, theta=0.0, side=64):
    yy, xx = np.mgrid[0:side, 0:side].astype(np.float32) - side / 2
    cos, sin = np.cos(theta), np.sin(theta)
    return shape(xx * cos + yy * sin, -xx * sin + yy * cos, r)


def test_no_corpus_class_is_a_benchmark_class():
    assert not set(CORPUS.classes[1:]) & set(BENCHMARK.classes[1:])
    assert not set(CORPUS.shapes) & set(BENCHMARK.shapes)
    assert not set(CORPUS.textures) & set(BENCHMARK.textures)
    assert len(CORPUS.shapes) == len(CORPUS.textures) == len(CORPUS.classes) - 1 == 10
    # Not the same masks under other names either: at the same size, whatever the rotation,
    # no corpus shape covers a benchmark shape (the closest pair, heart vs square: IoU 0.78).
    for corpus_shape in CORPUS.shapes:
        ref = _mask(corpus_shape)
        assert ref.sum() > 100
        for bench_shape in BENCHMARK.shapes:
            for theta in np.linspace(0, 2 * np.pi, 24, endpoint=False):
                other = _mask(bench_shape, theta=theta)
                iou = (ref & other).sum() / (ref | other).sum()
                assert iou < 0.8, (corpus_shape.__name__, bench_shape.__name__, theta, iou)


def test_images_come_from_other_seeds_and_differ():
    benchmark_words = set(BENCHMARK.split_seeds.values())
    assert not benchmark_words & set(CORPUS.split_seeds.values())
    for index in range(3):
        image, label = render_sample(0, 'train', index, SPEC)
        bench_image, _ = render_sample(0, 'train', index)
        assert image.shape != bench_image.shape or not np.array_equal(image, bench_image)
        assert label.max() < len(CORPUS.classes)


def test_scene_statistics_are_flat_and_crowded():
    samples = [render_sample(1, 'train', i, SPEC)[1] for i in range(60)]
    sizes = np.array([label.shape for label in samples])
    assert sizes.min() >= 128 and sizes.max() <= 192
    presence = sum(np.bincount(np.unique(label), minlength=11) > 0 for label in samples)
    # Flat frequency: every class in a fifth of the images at least (the benchmark's rarest
    # class is in far fewer), and several classes per image.
    assert (presence[1:] >= 12).all(), presence
    assert np.mean([len(np.unique(label)) - 1 for label in samples]) >= 3


def test_corpus_options_are_checked():
    with pytest.raises(ConfigError, match='no colour-cue variant'):
        render_sample(0, 'train', 0, ShapesSpec(corpus='pretrain', colour_cue=True))
    with pytest.raises(ConfigError, match="unknown corpus 'imagenet'"):
        render_sample(0, 'train', 0, ShapesSpec(corpus='imagenet'))
    with pytest.raises(ConfigError, match='max_objects=2'):
        render_sample(0, 'train', 0, ShapesSpec(corpus='pretrain', max_objects=2))


def test_generated_corpus_is_marked_idempotent_and_reads_back(tmp_path):
    root = str(tmp_path / 'corpus')
    spec = ShapesSpec(corpus='pretrain', num_train=4, num_val=2, max_objects=8)
    meta = generate_shapes_dataset(root, spec, workers=1, progress=False)
    assert meta['classes'] == list(CORPUS.classes) and len(meta['pixel_counts']['train']) == 11
    assert meta['spec']['corpus'] == 'pretrain'
    assert marker_tool(root) == 'generate_demo_data' and os.path.isfile(f'{root}/{MARKER}')
    stamp = os.path.getmtime(f'{root}/meta.json')
    generate_shapes_dataset(root, spec, workers=1, progress=False)  # same spec: untouched
    assert os.path.getmtime(f'{root}/meta.json') == stamp
    dataset = PretrainShapesDataset(  # checks every label against the 11 classes
        data_root=root, ann_file='ImageSets/Segmentation/train.txt',
        data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClass'))
    assert len(dataset) == 4 and dataset.metainfo['classes'] == CORPUS.classes
