import json
import os

import numpy as np
import pytest
from PIL import Image

from mmnoisy.datasets import ShapesSpec, generate_shapes_dataset, render_sample
from mmnoisy.synthesis.shapes_generator import CLASSES
from mmnoisy.utils.errors import OutputDirError


def test_render_is_deterministic_per_seed_split_index():
    img_a, lbl_a = render_sample(5, 'train', 17)
    img_b, lbl_b = render_sample(5, 'train', 17)
    assert np.array_equal(img_a, img_b) and np.array_equal(lbl_a, lbl_b)
    img_c, _ = render_sample(6, 'train', 17)
    img_d, _ = render_sample(5, 'val', 17)
    assert img_c.shape != img_a.shape or not np.array_equal(img_c, img_a)
    assert img_d.shape != img_a.shape or not np.array_equal(img_d, img_a)


def test_serial_and_parallel_generation_write_identical_files(tmp_path):
    spec = ShapesSpec(num_train=6, num_val=2, seed=1)
    a = generate_shapes_dataset(str(tmp_path / 'a'), spec, workers=1, progress=False)
    b = generate_shapes_dataset(str(tmp_path / 'b'), spec, workers=2, progress=False)
    assert a['pixel_counts'] == b['pixel_counts']
    for name in os.listdir(tmp_path / 'a' / 'SegmentationClass'):
        la = np.asarray(Image.open(tmp_path / 'a' / 'SegmentationClass' / name))
        lb = np.asarray(Image.open(tmp_path / 'b' / 'SegmentationClass' / name))
        assert np.array_equal(la, lb)


def test_layout_and_idempotence(tmp_path):
    root = str(tmp_path / 'shapes')
    spec = ShapesSpec(num_train=5, num_val=3)
    generate_shapes_dataset(root, spec, progress=False)
    train = open(f'{root}/ImageSets/Segmentation/train.txt').read().split()
    val = open(f'{root}/ImageSets/Segmentation/val.txt').read().split()
    assert len(train) == 5 and len(val) == 3 and not set(train) & set(val)
    label = Image.open(f'{root}/SegmentationClass/{train[0]}.png')
    assert label.mode == 'P'  # VOC-style palette PNG
    image = Image.open(f'{root}/JPEGImages/{train[0]}.jpg')
    assert image.size == label.size
    stamp = os.path.getmtime(f'{root}/meta.json')
    generate_shapes_dataset(root, spec, progress=False)  # same spec: untouched
    assert os.path.getmtime(f'{root}/meta.json') == stamp
    with pytest.raises(OutputDirError, match='overwrite'):
        generate_shapes_dataset(root, ShapesSpec(num_train=4, num_val=3), progress=False)
    assert not os.path.exists(root + '.partial')


@pytest.fixture(scope='module')
def samples():
    return [render_sample(0, 'train', i) for i in range(300)]


def test_sizes_and_class_statistics(samples):
    sizes = np.array([lbl.shape for _, lbl in samples])
    assert sizes.min() >= 96 and sizes.max() <= 160
    counts = sum(np.bincount(lbl.ravel(), minlength=len(CLASSES)) for _, lbl in samples)
    presence = sum(np.bincount(np.unique(lbl), minlength=len(CLASSES)) > 0
                   for _, lbl in samples)
    assert len(CLASSES) >= 9 and (counts > 0).all()
    share = counts[1:] / counts[1:].sum()
    # Long tail: the rarest classes hold a small share, both in pixels and in images.
    assert share[:3].sum() > 0.5
    assert share[-2:].sum() < 0.08
    assert presence[-1] < presence[1] / 3


def test_objects_overlap(samples):
    """Some objects occlude others: two foreground classes touch in the label map."""
    touching = 0
    for _, lbl in samples:
        a, b = lbl[:, :-1], lbl[:, 1:]
        touching += np.any((a > 0) & (b > 0) & (a != b))
    assert touching > 10


def nearest_mean_colour_recall(samples):
    """Mean per-class recall of a nearest-mean-colour classifier over foreground pixels."""
    pixels, labels = [], []
    for img, lbl in samples:
        fg = lbl > 0
        pixels.append(img[fg].astype(np.float32))
        labels.append(lbl[fg])
    pixels, labels = np.concatenate(pixels), np.concatenate(labels)
    classes = np.unique(labels)
    means = np.stack([pixels[labels == c].mean(0) for c in classes])
    pred = classes[np.argmin(((pixels[:, None] - means[None])**2).sum(-1), axis=1)]
    return np.mean([np.mean(pred[labels == c] == c) for c in classes])


def test_colour_alone_does_not_separate_classes(samples):
    assert nearest_mean_colour_recall(samples) < 2.0 / 8  # chance: 1 / 8


def test_colour_cue_variant_makes_colour_informative(samples):
    spec = ShapesSpec(colour_cue=True)
    cue_samples = [render_sample(0, 'train', i, spec) for i in range(100)]
    assert nearest_mean_colour_recall(cue_samples) > 0.6
    # Same layout rules: sizes and the long tail are unchanged.
    sizes = np.array([lbl.shape for _, lbl in cue_samples])
    assert sizes.min() >= 96 and sizes.max() <= 160
    assert not np.array_equal(cue_samples[0][0], samples[0][0])


def test_root_written_before_a_spec_field_existed_is_still_current(tmp_path):
    root = str(tmp_path / 's')
    spec = ShapesSpec(num_train=3, num_val=2)
    generate_shapes_dataset(root, spec, progress=False)
    meta = json.load(open(f'{root}/meta.json'))
    del meta['spec']['colour_cue']  # as written by an older mmnoisy
    json.dump(meta, open(f'{root}/meta.json', 'w'))
    stamp = os.path.getmtime(f'{root}/meta.json')
    generate_shapes_dataset(root, spec, progress=False)
    assert os.path.getmtime(f'{root}/meta.json') == stamp
    with pytest.raises(OutputDirError, match='overwrite'):
        generate_shapes_dataset(root, ShapesSpec(num_train=3, num_val=2, colour_cue=True),
                                progress=False)


def test_meta_records_spec_and_counts(tmp_path):
    root = str(tmp_path / 's')
    meta = generate_shapes_dataset(root, ShapesSpec(num_train=3, num_val=2), progress=False)
    on_disk = json.load(open(f'{root}/meta.json'))
    assert on_disk['spec']['num_train'] == 3
    assert on_disk['pixel_counts'] == meta['pixel_counts']
