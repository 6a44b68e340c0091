import os.path as osp
from typing import List, Optional

from mmseg.datasets import BaseSegDataset

from mmnoisy.registry import DATASETS
from .validation import (InvalidDatasetError, check_dir, check_files_exist,
                         check_labels)


@DATASETS.register_module()
class CheckedSegDataset(BaseSegDataset):
    """An mmseg dataset read from a split list, checked on disk when it is built.

    Behaves as :class:`mmseg.datasets.BaseSegDataset` with an ``ann_file`` of ids, and
    refuses, with one message naming the file and the fix: a missing data root, split list or
    folder, ids whose image or label file is missing, and (``check_labels=True``) labels that
    are not single-channel, differ in size from their image, or hold values outside
    ``[0, num_classes)`` and 255. Without ``seg_map_path`` in ``data_prefix`` the samples carry
    no labels (unlabeled data needs no mask files).

    Args:
        check_labels (bool): Decode every label once at build time and check it.
            Default: True.
        source (str, optional): Tag of every sample (``data_sample.source``, e.g.
            'labeled', 'pseudo', 'unlabeled'): semi-supervised segmentors split batches by
            it. Keep ``'source'`` in ``PackSegInputs.meta_keys``. Default: None (untagged).
        **kwargs: Passed to :class:`BaseSegDataset`.
    """

    def __init__(self, *args, check_labels: bool = True, source: Optional[str] = None,
                 **kwargs):
        self.check_labels = check_labels
        self.source = source
        super().__init__(*args, **kwargs)

    def load_data_list(self) -> List[dict]:
        hint = ('Generate the demo data with `python tools/generate_demo_data.py`, or point '
                '`data_root` at your dataset.')
        check_dir(self.data_root or None, 'data root', hint)
        if not self.ann_file or not osp.isfile(self.ann_file):
            raise InvalidDatasetError(
                f'split list {self.ann_file!r} does not exist; `ann_file` must name a file '
                'with one image id per line.')
        img_dir = self.data_prefix.get('img_path')
        seg_dir = self.data_prefix.get('seg_map_path')
        check_dir(img_dir, 'image folder')
        check_dir(seg_dir, 'label folder')
        data_list = super().load_data_list()
        if not data_list:
            raise InvalidDatasetError(f'split list {self.ann_file} lists no ids')
        ids = [osp.relpath(d['img_path'], img_dir).removesuffix(self.img_suffix)
               for d in data_list]
        img_paths = [d['img_path'] for d in data_list]
        check_files_exist(img_paths, ids, 'image', self.ann_file)
        if seg_dir is not None:
            seg_paths = [d['seg_map_path'] for d in data_list]
            check_files_exist(seg_paths, ids, 'label', self.ann_file)
            if self.check_labels:
                check_labels(img_paths, seg_paths, len(self._metainfo['classes']),
                             self.reduce_zero_label)
        if self.source is not None:
            for info in data_list:
                info['source'] = self.source
        return data_list
