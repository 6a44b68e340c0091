import math
import copy
from typing import Iterator, List, Optional, Sequence, Union

import numpy as np
from mmengine.dist import get_dist_info, sync_random_seed
from mmengine.logging import print_log
from torch.utils.data import Sampler

from mmnoisy.registry import DATA_SAMPLERS
from mmnoisy.utils.constants import IGNORE_INDEX
from .centroid_index import build_centroid_index


class CentroidSample(int):
    """A dataset index that also names the centroid ``(x, y)`` (in the label map's original
    pixels) and class to crop around.

    It is an ``int`` everywhere (ConcatDataset offsets, loader workers), and mmengine's
    ``BaseDataset.get_data_info`` stores it as ``results['sample_idx']``, where
    :class:`mmnoisy.datasets.transforms.CentroidCrop` reads the centroid.
    """

    def __new__(cls, index: int, centroid: Sequence[int], class_id: int):
        sample = super().__new__(cls, index)
        sample.centroid = (int(centroid[0]), int(centroid[1]))
        sample.class_id = int(class_id)
        return sample

    def _moved(self, index: int) -> 'CentroidSample':
        return CentroidSample(index, self.centroid, self.class_id)

    def __add__(self, other):
        return self._moved(int(self) + int(other)) if isinstance(other, int) else NotImplemented

    __radd__ = __add__

    def __sub__(self, other):
        return self._moved(int(self) - int(other)) if isinstance(other, int) else NotImplemented

    def __reduce__(self):
        return CentroidSample, (int(self), self.centroid, self.class_id)

    def __repr__(self) -> str:
        return f'CentroidSample({int(self)}, centroid={self.centroid}, class_id={self.class_id})'


def _wrapped_draw(items: Sequence, num: int, rng: np.random.Generator) -> List:
    """``num`` items in a random order, wrapping around when ``num > len(items)``."""
    order = rng.permutation(len(items))
    return [items[order[i % len(items)]] for i in range(num)]


@DATA_SAMPLERS.register_module()
class ClassUniformSampler(Sampler):
    """Class-uniform sampling around class centroids (Zhu et al. §3.2; NVIDIA
    semantic-segmentation ``datasets/uniform.py``).

    Each epoch has ``len(dataset)`` draws: ``num_per_class = int(len * pct / num_classes)``
    centroids of every class (a class without centroids gives none, so the epoch is
    shorter, as released), and ``num_rand = len - num_per_class * num_classes`` random images.
    Draws are without replacement within a class (or the image list) and wrap around when
    more are asked than exist. A centroid draw is a :class:`CentroidSample`, which
    ``CentroidCrop`` crops around; a random draw is a plain index (random crop).

    The centroids come from :func:`build_centroid_index` when the sampler is built, that is
    when its dataloader is built: a round of self-training indexes its fresh pseudo labels.
    In :class:`MultiSourceSampler` it serves one source (``source_samplers``), so labelled
    and pseudo-labelled images are both drawn class-uniformly at the batch ratio.

    Args:
        dataset: A dataset with label maps (``seg_map_path``).
        num_classes (int, optional): Default: ``len(dataset.metainfo['classes'])``.
        class_uniform_pct (float): Share of centroid draws per epoch. Default: 0.5.
        tile_size (int): Tile of the centroid index (``mode='tile'``). Default: 1024.
        mode (str): ``'tile'`` (released) or ``'object'`` (one centroid per connected
            component, the paper's text). Default: 'tile'.
        ignore_index (int): Ignored label. Default: 255.
        cache_dir (str, optional): Where the index JSON is cached; None caches nothing.
            :class:`mmnoisy.engine.SelfTrainingLoop` sets ``<work_dir>/centroids``
            (:func:`with_cache_dir`). Default: None.
        shuffle (bool): Shuffle each epoch's draws. Default: True.
        seed (int, optional): Seed shared by all ranks (synced when None).
    """

    def __init__(self,
                 dataset,
                 num_classes: Optional[int] = None,
                 class_uniform_pct: float = 0.5,
                 tile_size: int = 1024,
                 mode: str = 'tile',
                 ignore_index: int = IGNORE_INDEX,
                 cache_dir: Optional[str] = None,
                 shuffle: bool = True,
                 seed: Optional[int] = None) -> None:
        if not 0 <= class_uniform_pct <= 1:
            raise ValueError(f'class_uniform_pct must be in [0, 1], got {class_uniform_pct}')
        self.dataset = dataset
        self.num_classes = num_classes or len(dataset.metainfo['classes'])
        self.class_uniform_pct = class_uniform_pct
        self.shuffle = shuffle
        self.seed = sync_random_seed() if seed is None else seed
        self.rank, self.world_size = get_dist_info()
        self.epoch = 0
        self.centroids = build_centroid_index(dataset, self.num_classes, tile_size, mode,
                                              ignore_index, cache_dir)
        empty = [c for c, items in self.centroids.items() if not items]
        if empty and self.num_per_class:
            print_log(f'class-uniform sampling: no centroid of classes {empty}; their share '
                      'of each epoch is left out', logger='current', level=30)

    @property
    def num_per_class(self) -> int:
        return int(len(self.dataset) * self.class_uniform_pct / self.num_classes)

    @property
    def num_rand(self) -> int:
        return len(self.dataset) - self.num_per_class * self.num_classes

    def epoch_indices(self, epoch: int) -> List[int]:
        """All draws of ``epoch`` (every rank's), random draws first unless shuffled."""
        rng = np.random.default_rng([self.seed, epoch])
        draws: List[int] = [int(i) for i in _wrapped_draw(range(len(self.dataset)),
                                                          self.num_rand, rng)]
        for class_id in range(self.num_classes):
            if self.centroids[class_id] and self.num_per_class:
                draws += [CentroidSample(image, (x, y), class_id) for image, x, y in
                          _wrapped_draw(self.centroids[class_id], self.num_per_class, rng)]
        if self.shuffle:
            draws = [draws[i] for i in rng.permutation(len(draws))]
        return draws

    def _epoch_length(self) -> int:
        present = sum(bool(items) for items in self.centroids.values())
        return self.num_rand + self.num_per_class * present

    def __iter__(self) -> Iterator[int]:
        return iter(self.epoch_indices(self.epoch)[self.rank::self.world_size])

    def __len__(self) -> int:
        return math.ceil((self._epoch_length() - self.rank) / self.world_size)

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch


def _is_class_uniform(sampler_cfg: dict) -> bool:
    sampler_type = sampler_cfg.get('type')
    if isinstance(sampler_type, str):  # a registered name, scope prefix or not
        sampler_type = DATA_SAMPLERS.get(sampler_type)
    return isinstance(sampler_type, type) and issubclass(sampler_type, ClassUniformSampler)


def with_cache_dir(sampler_cfg: dict, cache_dir: str) -> dict:
    """A copy of a dataloader's sampler config whose :class:`ClassUniformSampler` configs
    (the sampler itself, or the per-source ``source_samplers`` of a
    :class:`MultiSourceSampler`) cache their centroid index in ``cache_dir``, unless they
    name their own.

    The loop that builds the dataloader knows the run's work dir; the sampler, built by
    mmengine's ``Runner.build_dataloader`` from its config, does not.

    Args:
        sampler_cfg (dict): The ``sampler`` of a dataloader config.
        cache_dir (str): The cache folder, e.g. :func:`centroid_cache_dir` of the work dir.
    """
    def filled(cfg: Optional[dict]) -> Optional[dict]:
        if isinstance(cfg, dict) and _is_class_uniform(cfg):
            cfg.setdefault('cache_dir', cache_dir)
        return cfg

    sampler_cfg = filled(copy.deepcopy(dict(sampler_cfg)))
    per_source: Union[dict, Sequence[Optional[dict]], None] = sampler_cfg.get('source_samplers')
    if isinstance(per_source, dict):
        sampler_cfg['source_samplers'] = filled(per_source)
    elif isinstance(per_source, (list, tuple)):
        sampler_cfg['source_samplers'] = [filled(cfg) for cfg in per_source]
    return sampler_cfg
