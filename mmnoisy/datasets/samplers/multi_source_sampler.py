import itertools
from typing import Iterator, List, Optional, Sequence, Union

import torch
from mmengine.dataset import ConcatDataset
from mmengine.dist import get_dist_info, sync_random_seed
from torch.utils.data import Sampler

from mmnoisy.registry import DATA_SAMPLERS


@DATA_SAMPLERS.register_module()
class MultiSourceSampler(Sampler):
    """Infinite sampler whose every batch mixes the sources of a ConcatDataset at a ratio.

    With ``batch_size=8, source_ratio=[4, 4]`` each batch holds 4 samples of the first
    dataset and 4 of the second, on every rank (DST-CBC's 4 labelled + 4 pseudo-labelled).
    Each source is an endless stream of reshuffled passes over its samples, and each rank
    reads every ``world_size``-th index of that stream, so ranks see disjoint samples.
    Sources of different sizes simply cycle at different rates.

    ``source_samplers`` replaces a source's shuffled passes by the epochs of another sampler
    built on that source, e.g. :class:`ClassUniformSampler` on labelled and pseudo-labelled
    images alike (Zhu et al.); such a sampler provides ``epoch_indices(epoch)``.

    Args:
        dataset (ConcatDataset): The sources, in order.
        batch_size (int): Samples per batch; must equal ``sum(source_ratio)`` and the
            dataloader's batch size.
        source_ratio (Sequence[int]): Samples of each source per batch.
        shuffle (bool): Reshuffle each pass. Default: True.
        seed (int, optional): Seed shared by all ranks (synced when None).
        source_samplers (dict | list[dict | None], optional): Sampler config of every source
            (one dict), or one per source (None: shuffled passes). Default: None.
    """

    def __init__(self,
                 dataset: ConcatDataset,
                 batch_size: int,
                 source_ratio: Sequence[int],
                 shuffle: bool = True,
                 seed: Optional[int] = None,
                 source_samplers: Union[dict, Sequence[Optional[dict]], None] = None) -> None:
        if not isinstance(dataset, ConcatDataset):
            raise TypeError('MultiSourceSampler needs a ConcatDataset of the sources, got '
                            f'{type(dataset).__name__}')
        if len(source_ratio) != len(dataset.datasets):
            raise ValueError(f'source_ratio {list(source_ratio)} has {len(source_ratio)} '
                             f'entries for {len(dataset.datasets)} datasets')
        if sum(source_ratio) != batch_size or min(source_ratio) < 0:
            raise ValueError(f'source_ratio {list(source_ratio)} must be >= 0 and sum to '
                             f'batch_size={batch_size}')
        self.rank, self.world_size = get_dist_info()
        self.dataset = dataset
        self.batch_size = batch_size
        self.source_ratio = list(source_ratio)
        self.shuffle = shuffle
        self.seed = sync_random_seed() if seed is None else seed
        self.offsets = [0] + list(itertools.accumulate(len(d) for d in dataset.datasets))
        for index, (ratio, source) in enumerate(zip(self.source_ratio, dataset.datasets)):
            if ratio and len(source) == 0:
                raise ValueError(f'source {index} of MultiSourceSampler is empty: check its '
                                 'split list')
        self.source_samplers = self._build_source_samplers(source_samplers)

    def _build_source_samplers(self, cfgs) -> list:
        num = len(self.dataset.datasets)
        if cfgs is None or isinstance(cfgs, dict):
            cfgs = [cfgs] * num
        if len(cfgs) != num:
            raise ValueError(f'source_samplers has {len(cfgs)} entries for {num} datasets')
        return [
            None if cfg is None else DATA_SAMPLERS.build(
                cfg, default_args=dict(dataset=source, seed=self.seed + 7919 * index))
            for index, (cfg, source) in enumerate(zip(cfgs, self.dataset.datasets))
        ]

    def _source_stream(self, source: int) -> Iterator[int]:
        sampler = self.source_samplers[source]
        if sampler is not None:
            for epoch in itertools.count():
                yield from (self.offsets[source] + i for i in sampler.epoch_indices(epoch))
        size = len(self.dataset.datasets[source])
        generator = torch.Generator()
        generator.manual_seed(self.seed + 7919 * source)
        while True:
            if self.shuffle:
                order = torch.randperm(size, generator=generator)
            else:
                order = torch.arange(size)
            yield from (self.offsets[source] + i for i in order.tolist())

    def _rank_stream(self, source: int) -> Iterator[int]:
        return itertools.islice(self._source_stream(source), self.rank, None,
                                self.world_size)

    def __iter__(self) -> Iterator[int]:
        streams: List[Iterator[int]] = [
            self._rank_stream(source) for source in range(len(self.source_ratio))
        ]
        while True:
            for stream, count in zip(streams, self.source_ratio):
                yield from itertools.islice(stream, count)

    def __len__(self) -> int:
        return len(self.dataset)

    def set_epoch(self, epoch: int) -> None:
        """Infinite sampler: passes are reshuffled internally."""
