"""Scribble / point synthesis from dense labels: correctness, coverage, determinism."""
import numpy as np
import pytest

from mmnoisy.datasets import CoverageReport, ShapesSpec, SynthSparseLabels, render_sample
from mmnoisy.datasets.transforms.sparse_labels import skeletonize, sparsify


def _labels(n=6):
    return [render_sample(3, 'train', i, ShapesSpec())[1] for i in range(n)]


def test_skeleton_is_thin_and_inside():
    mask = np.zeros((40, 60), bool)
    mask[10:30, 5:55] = True
    skel = skeletonize(mask)
    assert skel.any() and not (skel & ~mask).any()
    assert skel.sum() < 0.15 * mask.sum()


@pytest.mark.parametrize('mode', ['scribble', 'point'])
def test_sparse_labels_are_a_subset_and_deterministic(mode):
    report = CoverageReport(num_classes=9)
    for i, dense in enumerate(_labels()):
        sparse = sparsify(dense, mode, seed=0, name=f'img{i}')
        assert sparse.dtype == dense.dtype and sparse.shape == dense.shape
        kept = sparse != 255
        assert kept.any() and np.array_equal(sparse[kept], dense[kept])
        assert np.array_equal(sparse, sparsify(dense, mode, seed=0, name=f'img{i}'))
        report.update(dense, sparse)
    summary = report.summary()
    assert summary['images'] == 6
    if mode == 'scribble':
        assert 0.01 < summary['labelled_fraction'] < 0.2
    else:
        assert 0 < summary['labelled_fraction'] < 0.01
    # every class present in the dense labels got some sparse pixels somewhere
    assert all(c['labelled_images'] > 0 for c in summary['per_class'].values())


def test_seed_changes_labels_and_points_per_object():
    dense = _labels(1)[0]
    a = sparsify(dense, 'point', seed=0, name='x', k=3)
    b = sparsify(dense, 'point', seed=1, name='x', k=3)
    assert not np.array_equal(a, b)
    from scipy import ndimage
    for cls in np.unique(dense[dense != 255]):
        _, regions = ndimage.label(dense == cls, structure=np.ones((3, 3)))
        assert (a == cls).sum() <= 3 * regions


def test_transform_uses_image_path_as_seed():
    dense = _labels(1)[0]
    t = SynthSparseLabels(mode='scribble', seed=0)
    out1 = t(dict(gt_seg_map=dense.copy(), img_path='a.jpg'))['gt_seg_map']
    out2 = t(dict(gt_seg_map=dense.copy(), img_path='a.jpg'))['gt_seg_map']
    assert np.array_equal(out1, out2) and (out1 == 255).mean() > 0.8
    with pytest.raises(ValueError, match='scribble'):
        SynthSparseLabels(mode='polygon')
