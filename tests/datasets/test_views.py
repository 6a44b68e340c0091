"""Strong views of unlabelled images: shared geometry, photometric differences only, packed
and preprocessed exactly as the weak view; the online loader of the data spec built from the
procedural data."""
import numpy as np
import pytest
import torch
from mmcv.transforms import Compose
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from mmnoisy.datasets import SemiDataSpec
from mmnoisy.models import MultiViewSegDataPreProcessor
from mmnoisy.registry import TRANSFORMS
from mmnoisy.utils.errors import ConfigError

SPLITS = 'ImageSets/Segmentation'


@pytest.fixture(autouse=True)
def mmnoisy_scope():
    init_default_scope('mmnoisy')


def image(h=12, w=10):
    return np.random.default_rng(0).integers(0, 256, (h, w, 3), dtype=np.uint8)


def test_strong_views_leave_the_weak_view_and_keep_its_geometry():
    np.random.seed(0)
    views = TRANSFORMS.build(dict(type='StrongViews', num_views=3))
    weak = image()
    results = views(dict(img=weak.copy(), img_shape=weak.shape[:2]))
    assert np.array_equal(results['img'], weak)
    assert len(results['strong_views']) == 3
    assert all(v.shape == weak.shape and v.dtype == np.uint8 for v in results['strong_views'])
    assert not np.array_equal(results['strong_views'][0], results['strong_views'][1])


def test_strong_views_take_simple_baselines_strong_augment():
    views = TRANSFORMS.build(dict(type='StrongViews', num_views=2,
                                  transforms=[dict(type='StrongAugment', num_ops=2)]))
    results = views(dict(img=image(), img_shape=(12, 10)))
    assert len(results['strong_views']) == 2


def test_a_view_transform_that_changes_the_shape_is_refused():
    views = TRANSFORMS.build(dict(type='StrongViews', num_views=1,
                                  transforms=[dict(type='Resize', scale=(5, 5))]))
    with pytest.raises(ValueError, match='photometric'):
        views(dict(img=image(), img_shape=(12, 10)))


def test_views_are_packed_and_preprocessed_like_the_weak_view():
    """A view equal to the weak image comes out of the preprocessor equal to ``inputs``:
    channel order, normalisation and the right/bottom padding included."""
    pipeline = Compose([
        dict(type='StrongViews', num_views=2, transforms=[dict(type='RandomGrayscale', prob=0.0)]),
        dict(type='PackSegViews'),
    ])
    packed = pipeline(dict(img=image(), img_shape=(12, 10)))
    views = packed['data_samples'].strong_views
    assert views.shape == (2, 3, 12, 10) and views.dtype == torch.uint8
    assert torch.equal(views[0], packed['inputs'])
    preprocessor = MultiViewSegDataPreProcessor(
        mean=[1., 2., 3.], std=[2., 2., 2.], bgr_to_rgb=True, size=(16, 16))
    out = preprocessor(dict(inputs=[packed['inputs']], data_samples=[packed['data_samples']]),
                       training=True)
    prepared = out['data_samples'][0].strong_views
    assert prepared.shape == (2, 3, 16, 16)
    torch.testing.assert_close(prepared[0], out['inputs'][0])
    assert (prepared[:, :, 12:, :] == 0).all() and (prepared[:, :, :, 10:] == 0).all()


def spec(root, **kwargs):
    return SemiDataSpec(
        dataset=dict(type='ProceduralShapesDataset', data_root=root,
                     data_prefix=dict(img_path='JPEGImages',
                                      seg_map_path='SegmentationClass')),
        labeled_split=f'{SPLITS}/4_labeled_0.txt',
        unlabeled_split=f'{SPLITS}/4_unlabeled_0.txt',
        train_pipeline=[dict(type='LoadImageFromFile'), dict(type='LoadAnnotations'),
                        dict(type='RandomCrop', crop_size=(64, 64)),
                        dict(type='PackSegInputs')],
        test_pipeline=[dict(type='LoadImageFromFile'), dict(type='PackSegInputs')],
        source_ratio=(1, 2), num_workers=0, **kwargs)


def test_online_loader_mixes_labelled_images_and_views(shapes_root):
    loader_cfg = spec(shapes_root, strong_views=dict(num_views=2)).online_dataloader(seed=0)
    unlabeled = loader_cfg['dataset']['datasets'][1]
    assert [t['type'] for t in unlabeled['pipeline']][-2:] == ['StrongViews', 'PackSegViews']
    batch = next(iter(Runner.build_dataloader(loader_cfg, seed=0)))
    samples = batch['data_samples']
    with_views = [s for s in samples if 'strong_views' in s]
    assert len(samples) == 3 and len(with_views) == 2
    assert all(s.metainfo['source'] == 'unlabeled' for s in with_views)
    assert all(s.strong_views.shape[0] == 2 for s in with_views)


def test_online_loader_without_labels_drops_annotations_and_refuses_label_reading_crops(
        shapes_root):
    no_labels = dict(data_prefix=dict(seg_map_path=None))
    unlabeled = spec(shapes_root, strong_views={}, unlabeled=no_labels).online_unlabeled_dataset()
    assert 'LoadAnnotations' not in [t['type'] for t in unlabeled['pipeline']]
    bad = spec(shapes_root, strong_views={}, unlabeled=no_labels)
    bad.train_pipeline[2]['cat_max_ratio'] = 0.75
    with pytest.raises(ConfigError, match='cat_max_ratio'):
        bad.online_unlabeled_dataset()
    with pytest.raises(ConfigError, match='strong_views'):
        spec(shapes_root).online_dataloader()
