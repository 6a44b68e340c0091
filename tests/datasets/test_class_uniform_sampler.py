"""ClassUniformSampler: per-epoch composition (num_per_class, num_rand), alone and per source
of MultiSourceSampler; CentroidSample through ConcatDataset and pickling."""
import pickle
from collections import Counter

import numpy as np
import pytest
from mmengine.dataset import ConcatDataset

from mmnoisy.datasets.label_io import write_label
from mmnoisy.datasets.samplers import (CentroidSample, ClassUniformSampler, MultiSourceSampler,
                                       with_cache_dir)


class LabelFolder:
    """len, metainfo and get_data_info(i)['seg_map_path'], as the sampler needs."""
    metainfo = dict(classes=('bg', 'a', 'b', 'c'))

    def __init__(self, paths):
        self.paths = paths

    def __len__(self):
        return len(self.paths)

    def get_data_info(self, i):
        return dict(seg_map_path=self.paths[i])


@pytest.fixture
def folder(tmp_path):
    """10 images of 4x4 (one tile): every image has bg; image 0 has class 1 ('a'),
    images 0-2 class 2 ('b'); class 3 ('c') is absent."""
    paths = []
    for i in range(10):
        label = np.zeros((4, 4), np.uint8)
        if i == 0:
            label[0, 0] = 1
        if i < 3:
            label[3, 3] = 2
        paths.append(str(tmp_path / f'{i}.png'))
        write_label(paths[-1], label)
    return LabelFolder(paths)


def composition(draws):
    classes = Counter(d.class_id for d in draws if isinstance(d, CentroidSample))
    randoms = [d for d in draws if not isinstance(d, CentroidSample)]
    return classes, randoms


def test_epoch_composition(folder):
    sampler = ClassUniformSampler(folder, class_uniform_pct=0.5, tile_size=4, seed=0)
    # uniform.py: num_per_class = int(10 * 0.5 / 4) = 1, num_rand = 10 - 1 * 4 = 6
    assert (sampler.num_per_class, sampler.num_rand) == (1, 6)
    draws = list(sampler)
    classes, randoms = composition(draws)
    assert classes == {0: 1, 1: 1, 2: 1}  # class 3 has no centroid: left out
    assert len(draws) == len(sampler) == 9
    assert len(set(randoms)) == 6  # without replacement
    a = [d for d in draws if isinstance(d, CentroidSample) and d.class_id == 1][0]
    assert int(a) == 0 and a.centroid == (0, 0)


def test_wraps_around_and_reshuffles_per_epoch(folder):
    sampler = ClassUniformSampler(folder, class_uniform_pct=1.0, tile_size=4, seed=3)
    # num_per_class = int(10 / 4) = 2, num_rand = 2; class 1 has one centroid: drawn twice
    epoch0 = sampler.epoch_indices(0)
    classes, randoms = composition(epoch0)
    assert classes == {0: 2, 1: 2, 2: 2} and len(randoms) == 2
    assert [int(d) for d in epoch0 if getattr(d, 'class_id', None) == 1] == [0, 0]
    assert {int(d) for d in epoch0 if getattr(d, 'class_id', None) == 2} <= {0, 1, 2}
    assert sampler.epoch_indices(0) == epoch0  # deterministic per (seed, epoch)
    epochs = [[int(d) for d in sampler.epoch_indices(e)] for e in range(1, 6)]
    assert any(e != [int(d) for d in epoch0] for e in epochs)
    sampler.set_epoch(2)
    assert list(sampler) == sampler.epoch_indices(2)


def test_pct_zero_is_random_sampling(folder):
    sampler = ClassUniformSampler(folder, class_uniform_pct=0.0, tile_size=4, seed=0)
    assert sorted(sampler) == list(range(10))


def test_centroid_sample_is_an_int_that_keeps_its_centroid():
    sample = CentroidSample(3, (5, 6), 2)
    for moved, value in ((sample + 10, 13), (10 + sample, 13), (sample - 2, 1)):
        assert moved == value and moved.centroid == (5, 6) and moved.class_id == 2
    back = pickle.loads(pickle.dumps(sample))  # to loader workers
    assert back == 3 and back.centroid == (5, 6)
    assert np.arange(5)[sample] == 3


def test_multi_source_draws_every_source_class_uniformly(folder, shapes_root):
    from mmnoisy.datasets import ProceduralShapesDataset
    real = ProceduralShapesDataset(
        data_root=shapes_root, ann_file='ImageSets/Segmentation/4_labeled_0.txt',
        data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClass'),
        lazy_init=True)
    pseudo = ProceduralShapesDataset(
        data_root=shapes_root, ann_file='ImageSets/Segmentation/4_unlabeled_0.txt',
        data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClass'),
        lazy_init=True)
    concat = ConcatDataset([real, pseudo])
    uniform = dict(type='ClassUniformSampler', class_uniform_pct=0.5, tile_size=32)
    sampler = MultiSourceSampler(concat, batch_size=4, source_ratio=[1, 3], seed=0,
                                 source_samplers=uniform)
    per_source = sampler.source_samplers
    assert all(isinstance(s, ClassUniformSampler) for s in per_source)
    stream = iter(sampler)
    batches = [[next(stream) for _ in range(4)] for _ in range(len(pseudo))]
    n_real = len(real)
    for batch in batches:  # the ratio holds in every batch
        assert batch[0] < n_real and all(i >= n_real for i in batch[1:])
    # one epoch of the pseudo source = the first len(pseudo) pseudo draws, offset by n_real
    drawn = [i for batch in batches for i in batch[1:]][:len(per_source[1])]
    expected = per_source[1].epoch_indices(0)
    assert [int(i) - n_real for i in drawn] == [int(i) for i in expected]
    centroid_draws = [i for i in drawn if isinstance(i, CentroidSample)]
    assert len(centroid_draws) == per_source[1].num_per_class * sum(
        bool(v) for v in per_source[1].centroids.values())
    # through ConcatDataset to the source's own index, centroid kept
    sample = centroid_draws[0]
    source, local = concat._get_ori_dataset_idx(sample)
    assert source == 1 and local.centroid == sample.centroid
    assert local == int(sample) - n_real


def test_with_cache_dir_fills_only_class_uniform_samplers():
    """The loop hands its cache folder to every class-uniform sampler config, alone or per
    source, and leaves other samplers and explicit folders alone."""
    uniform = dict(type='ClassUniformSampler', tile_size=32)
    assert with_cache_dir(uniform, '/c') == dict(uniform, cache_dir='/c')
    assert 'cache_dir' not in uniform  # a copy
    scoped = dict(type='mmnoisy.ClassUniformSampler')
    assert with_cache_dir(scoped, '/c')['cache_dir'] == '/c'
    mixed = dict(type='MultiSourceSampler', batch_size=2, source_ratio=[1, 1],
                 source_samplers=[dict(uniform, cache_dir='/own'), None])
    filled = with_cache_dir(mixed, '/c')
    assert 'cache_dir' not in filled
    assert filled['source_samplers'] == [dict(uniform, cache_dir='/own'), None]
    shared = with_cache_dir(dict(mixed, source_samplers=uniform), '/c')
    assert shared['source_samplers']['cache_dir'] == '/c'
    other = dict(type='InfiniteSampler', shuffle=True)
    assert with_cache_dir(other, '/c') == other
