import itertools
from unittest import mock

import pytest
from mmengine.dataset import BaseDataset, ConcatDataset

from mmnoisy.datasets import MultiSourceSampler

MODULE = 'mmnoisy.datasets.samplers.multi_source_sampler.get_dist_info'


class Ids(BaseDataset):

    def __init__(self, n):
        self.n = n
        super().__init__(serialize_data=False)

    def load_data_list(self):
        return [dict(index=i) for i in range(self.n)]


def concat():
    return ConcatDataset([Ids(10), Ids(37)])


def batches(rank, world, n_batches=30, ratio=(4, 4)):
    dataset = concat()
    with mock.patch(MODULE, return_value=(rank, world)):
        sampler = MultiSourceSampler(dataset, sum(ratio), ratio, seed=3)
    indices = list(itertools.islice(iter(sampler), n_batches * sum(ratio)))
    return [indices[i:i + sum(ratio)] for i in range(0, len(indices), sum(ratio))]


@pytest.mark.parametrize('ratio', [(4, 4), (2, 6), (1, 7)])
def test_every_batch_has_the_ratio_on_every_rank(ratio):
    for rank in (0, 1):
        for batch in batches(rank, 2, ratio=ratio):
            assert sum(i < 10 for i in batch) == ratio[0]
            assert sum(i >= 10 for i in batch) == ratio[1]


def test_ranks_draw_disjoint_samples_and_cover_sources():
    rank0 = [i for b in batches(0, 2, n_batches=10) for i in b]
    rank1 = [i for b in batches(1, 2, n_batches=10) for i in b]
    # Within one pass of the labelled source (10 samples) ranks never share an index.
    first_pass0 = [i for i in rank0 if i < 10][:5]
    first_pass1 = [i for i in rank1 if i < 10][:5]
    assert not set(first_pass0) & set(first_pass1)
    assert set(first_pass0) | set(first_pass1) == set(range(10))
    assert set(i for i in rank0 + rank1 if i >= 10) == set(range(10, 47))


def test_deterministic_for_a_seed():
    assert batches(0, 1) == batches(0, 1)


def test_bad_arguments():
    with pytest.raises(ValueError, match='sum to batch_size'):
        MultiSourceSampler(concat(), 8, (4, 3), seed=0)
    with pytest.raises(ValueError, match='2 datasets'):
        MultiSourceSampler(concat(), 8, (8, ), seed=0)
    with pytest.raises(TypeError, match='ConcatDataset'):
        MultiSourceSampler(Ids(3), 2, (2, ), seed=0)
    empty = ConcatDataset([Ids(3), Ids(0)])
    with pytest.raises(ValueError, match='source 1 .* empty'):
        MultiSourceSampler(empty, 2, (1, 1), seed=0)
