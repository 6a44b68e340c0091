"""Label-noise synthesis: kinds, tiers, determinism, the tool and its report."""
import json
import os.path as osp

import numpy as np
import pytest

from conftest import run_tool
from mmnoisy.synthesis.noise import (TIERS, NoiseReport, NoiseSpec, corrupt_label,
                                     corrupt_object, get_tier, image_rng)

OFF = NoiseSpec(p_resize=0, p_boundary=0, p_drop=0, p_wrong_class=0, p_under_segment=0)


def scene():
    label = np.zeros((64, 64), np.uint8)
    yy, xx = np.mgrid[:64, :64]
    label[(yy - 20)**2 + (xx - 20)**2 < 100] = 1
    label[40:56, 36:60] = 2
    label[:2] = 255
    return label


@pytest.mark.parametrize('kind, spec', [
    ('drop', dict(p_drop=1)), ('wrong_class', dict(p_wrong_class=1)),
    ('under_segment', dict(p_under_segment=1)), ('boundary', dict(p_boundary=1)),
    ('resize', dict(p_resize=1, resize_range=(0.3, 0.3)))])
def test_each_kind(kind, spec):
    clean = scene()
    noisy, counts = corrupt_label(clean, NoiseSpec(**{**OFF.__dict__, **spec}),
                                  image_rng(0, 0), num_classes=3)
    assert counts['objects'] == 2
    assert (noisy != clean).any()
    assert (noisy[:2] == 255).all()  # ignored pixels stay ignored
    if kind == 'drop':
        assert set(np.unique(noisy)) == {0, 255}
    elif kind == 'wrong_class':
        assert ((clean == 1) == (noisy == 2)).all() and ((clean == 2) == (noisy == 1)).all()
    elif kind == 'under_segment':
        assert ((noisy != 0) & (noisy != 255)).sum() < 0.8 * ((clean == 1) | (clean == 2)).sum()
    elif kind == 'resize':
        assert counts['dilate'] + counts['erode'] == 2


def test_no_noise_is_identity():
    clean = scene()
    noisy, _ = corrupt_label(clean, OFF, image_rng(0, 0), num_classes=3)
    np.testing.assert_array_equal(noisy, clean)


def test_deterministic_and_tiers_ordered():
    clean = scene()
    a, _ = corrupt_label(clean, get_tier('severe'), image_rng(5, 1), 3)
    b, _ = corrupt_label(clean, get_tier('severe'), image_rng(5, 1), 3)
    np.testing.assert_array_equal(a, b)
    miou = {}
    for tier in ('mild', 'moderate', 'severe'):
        report = NoiseReport(3)
        for i in range(30):
            noisy, counts = corrupt_label(clean, TIERS[tier], image_rng(0, i), 3)
            report.update(clean, noisy, counts)
        miou[tier] = report.to_dict()['miou']
    assert 1 > miou['mild'] > miou['moderate'] > miou['severe']
    with pytest.raises(KeyError, match='moderate'):
        get_tier('medium')


def test_dilate_grows_object():
    mask = scene() == 1
    spec = NoiseSpec(**{**OFF.__dict__, 'p_resize': 1, 'resize_range': (0.3, 0.3)})
    for seed in range(6):
        new, applied = corrupt_object(mask, spec, image_rng(seed, 0))
        assert new.sum() > mask.sum() if applied['dilate'] else new.sum() < mask.sum()


def test_tool_writes_labels_and_report(shapes_root, tmp_path):
    out = str(tmp_path / 'noisy')
    clean_dir = osp.join(shapes_root, 'SegmentationClass')
    split = osp.join(shapes_root, 'ImageSets/Segmentation/val.txt')
    run_tool('tools/synth_noise.py', clean_dir, out, '--tier', 'mild', '--num-classes', '9',
             '--split', split, '--seed', '3')
    with open(osp.join(out, 'noise_report.json')) as f:
        report = json.load(f)
    assert report['images'] == 12 and report['seed'] == 3
    assert 0 < report['miou'] < 1 and len(report['per_class_iou']) == 9
    proc = run_tool('tools/synth_noise.py', clean_dir, clean_dir, '--num-classes', '9',
                    check=False)
    assert proc.returncode != 0 and 'refusing to overwrite' in proc.stderr


def test_cam_and_wrong_class_tiers():
    """``cam`` shrinks every object and keeps its class; ``wrong_class`` keeps every mask
    and relabels about a third of the objects."""
    clean = scene()
    cam_counts, wrong_counts = dict(objects=0, under_segment=0), dict(objects=0, wrong_class=0)
    for i in range(30):
        noisy, counts = corrupt_label(clean, get_tier('cam'), image_rng(0, i), 3)
        assert np.all(np.isin(noisy[noisy != clean], [0]))  # object pixels lost to background
        for key in cam_counts:
            cam_counts[key] += counts[key]
        noisy, counts = corrupt_label(clean, get_tier('wrong_class'), image_rng(0, i), 3)
        np.testing.assert_array_equal(noisy == 0, clean == 0)  # masks exact
        for key in wrong_counts:
            wrong_counts[key] += counts[key]
    assert cam_counts['under_segment'] == cam_counts['objects']
    assert 0.2 < wrong_counts['wrong_class'] / wrong_counts['objects'] < 0.5
