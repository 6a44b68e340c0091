"""Normalise and pad the strong views of unlabelled images exactly as the weak view."""
from typing import Any, Dict

import torch.nn.functional as F
from mmseg.models.data_preprocessor import SegDataPreProcessor
from torch import Tensor

from mmnoisy.registry import MODELS


@MODELS.register_module()
class MultiViewSegDataPreProcessor(SegDataPreProcessor):
    """mmseg's ``SegDataPreProcessor``, which also prepares ``data_sample.strong_views``
    (packed by :class:`~mmnoisy.datasets.transforms.PackSegViews`): the same channel
    conversion and normalisation as ``inputs``, then the same right/bottom padding that
    ``stack_batch`` gave the sample's weak view (its ``padding_size``), so view pixel (y, x)
    is weak-view pixel (y, x). Samples without strong views are left as they are.

    Args:
        **kwargs: Arguments of ``SegDataPreProcessor`` (``mean``, ``std``, ``size``,
            ``bgr_to_rgb``, ``pad_val``, ``seg_pad_val``, ...).
    """

    def forward(self, data: dict, training: bool = False) -> Dict[str, Any]:
        data = super().forward(data, training)
        for sample in data['data_samples'] or ():
            if 'strong_views' in sample:
                sample.strong_views = self._prepare_views(
                    sample.strong_views, sample.metainfo.get('padding_size'))
        return data

    def _prepare_views(self, views: Tensor, padding_size) -> Tensor:
        if self.channel_conversion and views.shape[1] == 3:
            views = views[:, [2, 1, 0]]
        views = views.float()
        if self._enable_normalize:
            views = (views - self.mean) / self.std
        if padding_size is not None and any(padding_size):
            views = F.pad(views, tuple(int(p) for p in padding_size), value=self.pad_val)
        return views
