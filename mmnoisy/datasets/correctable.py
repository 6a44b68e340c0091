"""A dataset whose labels a training hook can replace while its loader workers run (ADELE)."""
import json
import os
import os.path as osp
import tempfile
import uuid
import weakref
from typing import FrozenSet, Iterable, Optional, Tuple, Union

import torch
from mmengine.dataset import BaseDataset

from mmnoisy.registry import DATASETS


def _remove_owned_file(path: str, owner_pid: int) -> None:
    # Forked workers inherit the finalizer: only the process that wrote the file removes it.
    if os.getpid() == owner_pid and osp.exists(path):
        os.remove(path)


class SharedLabelSet:
    """Which corrected labels a dataset reads, visible to DataLoader workers already running.

    A worker holds the copy of the dataset made when it started (persistent workers keep it
    for the whole run), so an attribute set later in the main process never reaches it. The
    owner process therefore writes the label set to a small JSON file and then bumps a version
    number in shared memory (a torch tensor moved there: inherited on fork, passed by handle on
    spawn; :class:`~mmnoisy.datasets.transforms.CentroidCrop` shares its crop size the same
    way). :meth:`current` compares that version with the last one this copy has seen and
    reloads the file only when it moved. A change made between two epochs, while the workers
    wait for the next epoch's indices, thus reaches every sample of the next epoch, with no
    worker restart and no private DataLoader attribute.
    """

    def __init__(self):
        self._version = torch.zeros(1, dtype=torch.int64).share_memory_()
        self._seen = 0
        self._path = osp.join(tempfile.gettempdir(),
                              f'mmnoisy-label-set-{uuid.uuid4().hex}.json')
        self.label_dir: Optional[str] = None
        self.names: FrozenSet[str] = frozenset()
        weakref.finalize(self, _remove_owned_file, self._path, os.getpid())

    def publish(self, label_dir: Optional[str], names: Iterable[str] = ()) -> None:
        """Make ``names`` in ``label_dir`` (None: no label set) the current label set.

        Args:
            label_dir (str, optional): Folder of the corrected labels.
            names (Iterable[str]): The label names read from there.
        """
        self.label_dir = label_dir
        self.names = frozenset(names) if label_dir is not None else frozenset()
        version = int(self._version.item()) + 1
        with open(self._path + '.tmp', 'w') as f:
            json.dump(dict(version=version, label_dir=label_dir, names=sorted(self.names)), f)
        os.replace(self._path + '.tmp', self._path)  # readers never see a partial file
        self._seen = version
        self._version.fill_(version)  # after the file: a reader of this version finds it

    def current(self) -> Tuple[Optional[str], FrozenSet[str]]:
        """The label folder and names, reloaded if another process published since."""
        if int(self._version.item()) != self._seen:
            with open(self._path) as f:
                state = json.load(f)
            self.label_dir, self.names = state['label_dir'], frozenset(state['names'])
            self._seen = state['version']
        return self.label_dir, self.names


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

    :meth:`set_label_set` reaches the DataLoader workers that are already running, persistent
    ones included (:class:`SharedLabelSet`): a hook may call it between epochs and the next
    epoch reads the new labels.

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
        self.label_set = SharedLabelSet()

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
        """Read the labels ``names`` from ``label_dir`` from now on (None: the originals), in
        this process and in every loader worker of this dataset, running or not.

        Args:
            label_dir (str, optional): Folder of the corrected labels.
            names (Iterable[str]): Label names (see :meth:`label_name`) read from there.
        """
        self.label_set.publish(label_dir, names)

    def get_data_info(self, idx: int) -> dict:
        info = self.dataset.get_data_info(idx)
        name = self.label_name(info)  # before any path is replaced
        info['noisy_seg_map_path'] = info['seg_map_path']
        label_dir, corrected = self.label_set.current()
        if name in corrected:
            info['seg_map_path'] = osp.join(label_dir, name)
        if self.clean_label_dir is not None:
            info['clean_seg_map_path'] = osp.join(self.clean_label_dir, name)
        return info

    def __getitem__(self, idx: int) -> dict:
        return self.dataset.pipeline(self.get_data_info(idx))
