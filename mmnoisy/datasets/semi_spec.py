"""A semi-supervised method's data, described once.

Before this spec, a method's data was four dataloader dicts (supervised stage, rounds,
pseudo-labelling, validation) that had to agree on roots, split lists, pipelines, meta keys and
the order of the sampler's ratios, and each leaf config re-declared them. Now a config states
the dataset once and every loader is derived from it, so pointing a method at new data is a
matter of the template and two split lists.
"""
import copy
import math
import os.path as osp
from typing import Dict, Iterator, List, Optional, Sequence, Union

from mmnoisy.registry import DATASETS
from mmnoisy.utils.errors import ConfigError
from .splits import check_disjoint, read_ids

# Meta keys every training sample carries: the image's source (labelled or pseudo-labelled),
# read by the semi-supervised segmentors, and whether it went through strong augmentation
# (DSBN routes those through its auxiliary branch).
SEMI_META_KEYS = ('img_path', 'seg_map_path', 'ori_shape', 'img_shape', 'pad_shape',
                  'scale_factor', 'flip', 'flip_direction', 'reduce_zero_label', 'source',
                  'strong')
LABELED, PSEUDO, UNLABELED = 'labeled', 'pseudo', 'unlabeled'
# What ``train_dataloader=dict(semi_data=...)`` may name: the loader of a method's training.
TRAIN_LOADERS = ('labeled', 'online')


def merged(base: dict, overrides: dict) -> dict:
    """``base`` updated by ``overrides``, nested dicts merged key by key (a copy)."""
    result = copy.deepcopy(dict(base))
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def leaf_dataset_cfgs(dataset_cfg: dict) -> Iterator[dict]:
    """Every leaf dataset config of a (possibly concatenated) dataset config."""
    if 'datasets' in dataset_cfg:
        for sub in dataset_cfg['datasets']:
            yield from leaf_dataset_cfgs(sub)
    else:
        yield dataset_cfg


def read_pseudo_labels(dataset_cfg: dict, pseudo_dir: str) -> None:
    """Point a ``source='pseudo'`` dataset config at the label PNGs in ``pseudo_dir``."""
    dataset_cfg.setdefault('data_prefix', {})['seg_map_path'] = pseudo_dir
    dataset_cfg['seg_map_suffix'] = '.png'


def _with_meta_keys(pipeline: Sequence[dict], extra: Sequence[dict] = ()) -> List[dict]:
    """``pipeline`` with ``extra`` transforms before its final ``PackSegInputs``, which keeps
    the semi-supervised meta keys."""
    pipeline = [copy.deepcopy(dict(t)) for t in pipeline]
    if not pipeline or pipeline[-1].get('type') != 'PackSegInputs':
        raise ConfigError('a training pipeline of semi_data must end with PackSegInputs, '
                          f'got {pipeline[-1:] or "an empty pipeline"}')
    pack = pipeline.pop()
    keys = list(pack.get('meta_keys', SEMI_META_KEYS))
    pack['meta_keys'] = tuple(keys + [k for k in SEMI_META_KEYS if k not in keys])
    return pipeline + [copy.deepcopy(dict(t)) for t in extra] + [pack]


def _without_annotations(pipeline: Sequence[dict]) -> List[dict]:
    return [copy.deepcopy(dict(t)) for t in pipeline if t.get('type') != 'LoadAnnotations']


def _check_label_free(pipeline: Sequence[dict]) -> None:
    """Refuse transforms that read labels in a pipeline of images without labels."""
    for t in pipeline:
        if t.get('type') == 'RandomCrop' and t.get('cat_max_ratio', 1.0) < 1.0:
            raise ConfigError(
                f'RandomCrop(cat_max_ratio={t["cat_max_ratio"]}) reads the label map, which the '
                'unlabelled images of the online loader do not have: set cat_max_ratio=1.0 '
                'in semi_data.train_pipeline')


@DATASETS.register_module()
class SemiDataSpec:
    """The data of a semi-supervised method: one template, two split lists, the pipelines
    and the batch composition, from which every stage's dataloader is derived.

    Configs name it at the top level (``semi_data = dict(type='SemiDataSpec', ...)``). The
    runner (:class:`mmnoisy.engine.MMNoisyRunner`) derives the supervised stage's loader from
    it and completes every dataloader whose dataset has no ``type`` from the template, so
    that val and test loaders follow the data root too; the loops and tools build it from
    the config (:func:`semi_data_spec`) for the rest.

    Args:
        dataset (dict): The dataset template: ``type``, ``data_root``, ``data_prefix``
            (``img_path`` and, for labelled images, ``seg_map_path``), ``metainfo``
            (``classes`` / ``palette``), suffixes. Every dataset below is this template plus
            its split list and pipeline.
        labeled_split (str): Split list of the labelled images (relative to ``data_root``).
        unlabeled_split (str): Split list of the unlabelled images. Their labels never train
            the model; if the template has a ``seg_map_path`` and the files exist, the
            pseudo-labelling pass reads them to report the quality of the pseudo labels.
        train_pipeline (list[dict]): The weak view of training images (load, geometric and
            photometric transforms, ending with ``PackSegInputs``), for labelled and
            pseudo-labelled images alike.
        test_pipeline (list[dict]): The pseudo-labelling pass (and the default of untyped
            val/test loaders).
        source_ratio (Sequence[int]): Labelled and unlabelled images per batch; the batch
            size is their sum. Default: (4, 4).
        strong_transforms (list[dict], optional): Transforms appended to the training
            pipeline of unlabelled images, after the shared geometric ones (e.g. Simple
            Baseline's ``StrongAugment``). Default: None.
        unlabeled (dict, optional): Template overrides for the unlabelled images (e.g. a
            ``data_prefix`` without labels, an ``img_suffix``). Default: None.
        source_samplers (dict | list, optional): Per-source sampler of the
            :class:`MultiSourceSampler` of the rounds and of the online loader (e.g.
            ``ClassUniformSampler``). Default: None.
        num_workers (int): Loader workers of the training loaders. Default: 2.
        persistent_workers (bool): Keep training loader workers between passes.
            Default: False.
        labelling_workers (int): Loader workers of the pseudo-labelling pass (0: in-process,
            best on few cores, where workers compete with inference). Default: 0.
        strong_views (dict, optional): The views of an unlabelled image in online
            weak-to-strong training (FixMatch, UniMatch): a ``StrongViews`` config, run
            after the training pipeline's geometric transforms. Needed by
            :meth:`online_dataloader` only. Default: None.
    """

    def __init__(self,
                 dataset: dict,
                 labeled_split: str,
                 unlabeled_split: str,
                 train_pipeline: Sequence[dict],
                 test_pipeline: Sequence[dict],
                 source_ratio: Sequence[int] = (4, 4),
                 strong_transforms: Optional[Sequence[dict]] = None,
                 unlabeled: Optional[dict] = None,
                 source_samplers: Union[dict, Sequence[Optional[dict]], None] = None,
                 num_workers: int = 2,
                 persistent_workers: bool = False,
                 labelling_workers: int = 0,
                 strong_views: Optional[dict] = None) -> None:
        if 'type' not in dataset:
            raise ConfigError('semi_data.dataset needs a type, e.g. '
                              "type='PascalVOCSplitDataset'")
        if len(source_ratio) != 2 or min(source_ratio) < 1:
            raise ConfigError('semi_data.source_ratio must be (labelled, unlabelled) images '
                              f'per batch, each >= 1; got {tuple(source_ratio)}')
        self.template = copy.deepcopy(dict(dataset))
        self.labeled_split = labeled_split
        self.unlabeled_split = unlabeled_split
        self.train_pipeline = [dict(t) for t in train_pipeline]
        self.test_pipeline = [dict(t) for t in test_pipeline]
        self.source_ratio = tuple(int(r) for r in source_ratio)
        self.strong_transforms = [dict(t) for t in strong_transforms or ()]
        self.unlabeled_overrides = dict(unlabeled or {})
        self.source_samplers = copy.deepcopy(source_samplers)
        self.num_workers = num_workers
        self.persistent_workers = persistent_workers and num_workers > 0
        self.labelling_workers = labelling_workers
        self.strong_views = None
        if strong_views is not None:
            self.strong_views = dict(copy.deepcopy(dict(strong_views)))
            self.strong_views.setdefault('type', 'StrongViews')

    # ------------------------------------------------------------------ datasets
    @property
    def batch_size(self) -> int:
        return sum(self.source_ratio)

    def dataset(self, ann_file: str, pipeline: Sequence[dict], **overrides) -> dict:
        """The template with a split list, a pipeline and any other overrides (a
        ``data_prefix`` entry set to None is dropped: e.g. no ``seg_map_path``)."""
        cfg = merged(self.template, dict(overrides, ann_file=ann_file,
                                         pipeline=[dict(t) for t in pipeline]))
        if isinstance(cfg.get('data_prefix'), dict):
            cfg['data_prefix'] = {k: v for k, v in cfg['data_prefix'].items() if v is not None}
        return cfg

    def complete(self, dataset: dict) -> dict:
        """A dataset config without ``type`` completed from the template (its own keys
        win); a typed one is returned as it is."""
        if dataset.get('type') is not None:
            return dataset
        dataset = dict(dataset)
        dataset.setdefault('pipeline', self.test_pipeline)
        return merged(self.template, dataset)

    def labeled_dataset(self) -> dict:
        return self.dataset(self.labeled_split, _with_meta_keys(self.train_pipeline),
                            source=LABELED)

    def pseudo_dataset(self, pseudo_dir: Optional[str]) -> dict:
        """The unlabelled images with labels read from ``pseudo_dir``."""
        cfg = self.dataset(self.unlabeled_split,
                           _with_meta_keys(self.train_pipeline, self.strong_transforms),
                           source=PSEUDO, **self.unlabeled_overrides)
        cfg['data_prefix'] = {k: v for k, v in cfg.get('data_prefix', {}).items()
                              if k != 'seg_map_path'}
        if pseudo_dir is not None:
            read_pseudo_labels(cfg, pseudo_dir)
        return cfg

    def unlabeled_dataset(self) -> dict:
        """The unlabelled images through the test pipeline, for pseudo-labelling; with their
        ground truth only where the template names a label folder (for the report)."""
        cfg = self.dataset(self.unlabeled_split, self.test_pipeline, **self.unlabeled_overrides)
        if 'seg_map_path' not in cfg.get('data_prefix', {}):
            cfg['pipeline'] = _without_annotations(cfg['pipeline'])
        return cfg

    def online_unlabeled_dataset(self) -> dict:
        """The unlabelled images for online training: the training pipeline (its labels
        loaded only where the template names a label folder, for the pseudo-label
        statistics), then the strong views, packed by ``PackSegViews``."""
        if self.strong_views is None:
            raise ConfigError('the online loader needs semi_data.strong_views, e.g. '
                              "dict(type='StrongViews', num_views=2) (UniMatch's strong "
                              'views; see configs/_base_/datasets/*_online.py)')
        cfg = self.dataset(self.unlabeled_split, (), source=UNLABELED,
                           **self.unlabeled_overrides)
        pipeline = self.train_pipeline
        if 'seg_map_path' not in cfg.get('data_prefix', {}):
            pipeline = _without_annotations(pipeline)
            _check_label_free(pipeline)
        pipeline = _with_meta_keys(pipeline, [self.strong_views])
        pipeline[-1]['type'] = 'PackSegViews'
        cfg['pipeline'] = pipeline
        return cfg

    # ---------------------------------------------------------------- dataloaders
    def labeled_dataloader(self) -> dict:
        """The supervised stage: labelled images only, whole batches of them.

        A finite sampler, reshuffled every pass by its epoch: mmengine's ``InfiniteSampler``
        shares one index generator between its iterators, so the loader iterator that
        ``IterBasedTrainLoop`` opens and the loop discards would close it for good (every
        later pass empty).
        """
        return dict(batch_size=self.batch_size, num_workers=self.num_workers,
                    persistent_workers=self.persistent_workers,
                    sampler=dict(type='DefaultSampler', shuffle=True),
                    dataset=self.labeled_dataset())

    def round_dataloader(self, pseudo_dir: Optional[str], seed: Optional[int] = None) -> dict:
        """A self-training round: labelled and pseudo-labelled images in every batch at
        ``source_ratio``, the pseudo labels read from ``pseudo_dir``."""
        return self._mixed_loader(self.pseudo_dataset(pseudo_dir), seed)

    def online_dataloader(self, seed: Optional[int] = None) -> dict:
        """Online weak-to-strong training: every batch holds ``source_ratio`` labelled
        images and unlabelled ones, each unlabelled image with its strong views."""
        return self._mixed_loader(self.online_unlabeled_dataset(), seed)

    def _mixed_loader(self, second_source: dict, seed: Optional[int]) -> dict:
        """The labelled images and ``second_source`` in every batch at ``source_ratio``,
        each source drawn by its ``source_samplers`` entry."""
        sampler = dict(type='MultiSourceSampler', batch_size=self.batch_size,
                       source_ratio=list(self.source_ratio), seed=seed)
        if self.source_samplers is not None:
            sampler['source_samplers'] = copy.deepcopy(self.source_samplers)
        return dict(batch_size=self.batch_size, num_workers=self.num_workers,
                    persistent_workers=self.persistent_workers, sampler=sampler,
                    dataset=dict(type='ConcatDataset',
                                 datasets=[self.labeled_dataset(), second_source]))

    def unlabeled_dataloader(self) -> dict:
        """The pseudo-labelling pass: every unlabelled image once, in order, unpadded."""
        return dict(batch_size=1, num_workers=self.labelling_workers,
                    persistent_workers=False,
                    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
                    dataset=self.unlabeled_dataset())

    # ---------------------------------------------------------------- accounting
    def split_path(self, split: str) -> str:
        return osp.join(self.template.get('data_root') or '', split)

    def num_images(self, source: str) -> Optional[int]:
        """Images listed for ``source`` ('labeled' or 'pseudo'); None if the list is not on
        disk (a config inspected without its data)."""
        path = self.split_path(self.labeled_split if source == LABELED else
                               self.unlabeled_split)
        return len(read_ids(path)) if osp.isfile(path) else None

    def iters_for_epochs(self, epochs: float, source: str) -> int:
        """Iterations for ``epochs`` passes over ``source``'s images at its share of the
        batch: the labelled images fill whole batches in the supervised stage
        (``int(epochs * N / batch)``, DST-CBC's released count), the unlabelled ones their
        share of a round's batches (rounded up, so every image is seen)."""
        split = self.labeled_split if source == LABELED else self.unlabeled_split
        count = self.num_images(source)
        if count is None:
            raise FileNotFoundError(f'split list {self.split_path(split)} does not exist: '
                                    'epochs cannot be converted to iterations')
        if source == LABELED:
            return int(epochs * count / self.batch_size)
        return math.ceil(epochs * count / self.source_ratio[1])

    def check_disjoint(self) -> None:
        """Refuse an image listed both as labelled and as unlabelled."""
        paths = [self.split_path(s) for s in (self.labeled_split, self.unlabeled_split)]
        if all(osp.isfile(p) for p in paths):
            check_disjoint(read_ids(paths[0]), read_ids(paths[1]))

    def describe(self) -> Dict[str, object]:
        """What a log line says about the data."""
        return dict(labeled=self.num_images(LABELED), unlabeled=self.num_images(PSEUDO),
                    batch=f'{self.source_ratio[0]} labelled + {self.source_ratio[1]} '
                    'unlabelled', root=self.template.get('data_root'))


def semi_data_spec(cfg) -> SemiDataSpec:
    """The :class:`SemiDataSpec` a config describes at its top level (``semi_data``)."""
    spec = cfg.get('semi_data')
    if spec is None:
        raise ConfigError('this config has no semi_data: semi-supervised loops read their '
                          "data from a top-level semi_data = dict(type='SemiDataSpec', ...) "
                          '(see configs/_base_/datasets/*_semi.py)')
    if isinstance(spec, SemiDataSpec):
        return spec
    return DATASETS.build(copy.deepcopy(dict(spec)))


def complete_dataloaders(cfg) -> None:
    """Derive a config's dataloaders from its ``semi_data``, in place.

    A missing ``train_dataloader`` becomes the labelled images (the supervised stage);
    ``train_dataloader=dict(semi_data='online')`` the batches of online weak-to-strong
    training (:meth:`SemiDataSpec.online_dataloader`), other keys of that dict overriding
    the loader's (e.g. ``num_workers``). Every dataloader whose dataset has no ``type`` is
    completed from the template, so val and test data follow ``semi_data.dataset`` (its
    root, classes, prefixes). Configs without ``semi_data`` are left as they are.
    """
    if cfg.get('semi_data') is None:
        return
    spec = semi_data_spec(cfg)
    train_loader = cfg.get('train_dataloader')
    if train_loader is None and cfg.get('train_cfg') is not None:
        cfg['train_dataloader'] = spec.labeled_dataloader()
    elif isinstance(train_loader, dict) and 'semi_data' in train_loader:
        overrides = dict(train_loader)
        name = overrides.pop('semi_data')
        if name not in TRAIN_LOADERS:
            raise ConfigError(f"train_dataloader.semi_data must be one of {list(TRAIN_LOADERS)}, "
                              f'got {name!r}')
        loader = (spec.online_dataloader() if name == 'online' else spec.labeled_dataloader())
        cfg['train_dataloader'] = merged(loader, overrides)
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(key)
        if isinstance(loader, dict) and isinstance(loader.get('dataset'), dict):
            loader['dataset'] = spec.complete(loader['dataset'])
