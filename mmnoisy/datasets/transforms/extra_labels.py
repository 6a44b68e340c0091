"""Extra label maps that travel with a sample through the geometric transforms.

ADELE measures its training IoU against the *original* noisy label while it trains on the
corrected one, and its diagnostics compare with the clean label. :class:`LoadExtraLabels`
loads ``results['<name>_seg_map_path']`` (set by
:class:`mmnoisy.datasets.CorrectableLabelDataset`) into ``results['gt_<name>_seg_map']`` and
registers it in ``seg_fields``, so mmseg's resize/crop/flip transform it like ``gt_seg_map``;
:class:`PackSegInputsWithExtraLabels` packs it as ``data_sample.gt_<name>_sem_seg``.
"""
from typing import Sequence

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.structures import PixelData
from mmseg.datasets.transforms import PackSegInputs

from mmnoisy.registry import TRANSFORMS
from ..label_io import read_label


@TRANSFORMS.register_module()
class LoadExtraLabels(BaseTransform):
    """Load the extra label maps whose paths the sample carries (absent ones are skipped).

    Args:
        names (Sequence[str]): Which maps: ``<name>_seg_map_path`` is read into
            ``gt_<name>_seg_map``. Default: ('noisy', 'clean').
    """

    def __init__(self, names: Sequence[str] = ('noisy', 'clean')):
        self.names = tuple(names)

    def transform(self, results: dict) -> dict:
        for name in self.names:
            path = results.get(f'{name}_seg_map_path')
            if path is None:
                continue
            key = f'gt_{name}_seg_map'
            results[key] = read_label(path)[0]
            results.setdefault('seg_fields', [])
            if key not in results['seg_fields']:
                results['seg_fields'].append(key)
        return results

    def __repr__(self):
        return f'{self.__class__.__name__}(names={self.names})'


@TRANSFORMS.register_module()
class PackSegInputsWithExtraLabels(PackSegInputs):
    """mmseg's :class:`PackSegInputs` that also packs ``gt_<name>_seg_map`` as
    ``data_sample.gt_<name>_sem_seg``.

    Args:
        names (Sequence[str]): Default: ('noisy', 'clean').
        **kwargs: Passed to :class:`PackSegInputs` (``meta_keys``).
    """

    def __init__(self, names: Sequence[str] = ('noisy', 'clean'), **kwargs):
        super().__init__(**kwargs)
        self.names = tuple(names)

    def transform(self, results: dict) -> dict:
        packed = super().transform(results)
        for name in self.names:
            label = results.get(f'gt_{name}_seg_map')
            if label is not None:
                data = torch.from_numpy(np.ascontiguousarray(label[None], dtype=np.int64))
                packed['data_samples'].set_data({f'gt_{name}_sem_seg': PixelData(data=data)})
        return packed
