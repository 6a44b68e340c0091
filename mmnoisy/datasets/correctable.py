import os.path as osp
from typing import Iterable, Optional, Union

from mmengine.dataset import BaseDataset

from mmnoisy.registry import DATASETS


@DATASETS.register_module()
class CorrectableLabelDataset:
    """A segmentation dataset whose labels can be replaced by corrected copies (ADELE).

    Wraps any mmseg dataset (as mmengine's ``RepeatDataset`` does). By default every sample
    reads its own label file. After :meth:`set_label_set`, the samples named there read
    ``<label_dir>/<name>`` instead (``name``: the label path relative to the dataset's
    ``seg_map_path`` folder); the user's files are never written. Every sample also carries
    ``noisy_seg_map_path`` (its original label) and, with ``clean_label_dir``,
    ``clean_seg_map_path``: load them with :class:`LoadExtraLabels` and pack them with
    :class:`PackSegInputsWithExtraLabels`.

    Args:
        dataset (dict | BaseDataset): The dataset (its labels are the noisy ones).
        clean_label_dir (str, optional): Folder of clean labels with the same names, for
            diagnostics only (relative paths are taken from the dataset's ``data_root``).
        lazy_init (bool): Passed on to the wrapped dataset. Default: False.
    """

    def __init__(self, dataset: Union[dict, BaseDataset], clean_label_dir: Optional[str] = None,
                 lazy_init: bool = False):
        if isinstance(dataset, dict):
            dataset = dict(dataset)
            if lazy_init:
                dataset['lazy_init'] = True
            dataset = DATASETS.build(dataset)
        self.dataset = dataset
        if clean_label_dir is not None and not osp.isabs(clean_label_dir):
            clean_label_dir = osp.join(dataset.data_root or '', clean_label_dir)
        self.clean_label_dir = clean_label_dir
        self.label_dir: Optional[str] = None
        self.corrected = frozenset()

    @property
    def metainfo(self) -> dict:
        return self.dataset.metainfo

    @property
    def pipeline(self):
        return self.dataset.pipeline

    def full_init(self) -> None:
        self.dataset.full_init()

    def __len__(self) -> int:
        return len(self.dataset)

    def label_name(self, info: dict) -> str:
        """The name of a sample's label inside a label folder (from its original path)."""
        path = info.get('noisy_seg_map_path', info['seg_map_path'])
        return osp.relpath(path, self.dataset.data_prefix['seg_map_path'])

    def set_label_set(self, label_dir: Optional[str], names: Iterable[str] = ()) -> None:
        """Read the labels ``names`` from ``label_dir`` from now on (None: the originals)."""
        self.label_dir = label_dir
        self.corrected = frozenset(names) if label_dir is not None else frozenset()

    def get_data_info(self, idx: int) -> dict:
        info = self.dataset.get_data_info(idx)
        name = self.label_name(info)  # before any path is replaced
        info['noisy_seg_map_path'] = info['seg_map_path']
        if name in self.corrected:
            info['seg_map_path'] = osp.join(self.label_dir, name)
        if self.clean_label_dir is not None:
            info['clean_seg_map_path'] = osp.join(self.clean_label_dir, name)
        return info

    def __getitem__(self, idx: int) -> dict:
        return self.dataset.pipeline(self.get_data_info(idx))
