"""Weak and strong views of an unlabelled image, for online weak-to-strong training
(FixMatch, UniMatch, UniMatch V2).

The pipeline's geometric transforms (resize, crop, flip) run once, before
:class:`StrongViews`: the weak view is the image they produce, and every strong view is a
photometric transformation of a copy of it, so all views share geometry and the teacher's
prediction on the weak view labels the pixels of each strong view. :class:`PackSegViews`
packs the strong views next to the weak one; the data preprocessor
(:class:`~mmnoisy.models.MultiViewSegDataPreProcessor`) normalises and pads them as it does the
weak view, and the padding is what the unsupervised losses ignore.
"""
import copy
from typing import List, Optional, Sequence

import numpy as np
import torch
from mmcv.transforms import BaseTransform, Compose
from mmseg.datasets.transforms import PackSegInputs

from mmnoisy.registry import TRANSFORMS

# UniMatch's strong view (`dataset/semi.py`): colour jitter with probability 0.8, grayscale
# 0.2, Gaussian blur 0.5 (the CutMix box is drawn by the segmentor, at the padded size).
UNIMATCH_STRONG_TRANSFORMS = (
    dict(type='ColorJitter', brightness=0.5, contrast=0.5, saturation=0.5, hue=0.25,
         prob=0.8),
    dict(type='RandomGrayscale', prob=0.2),
    dict(type='RandomGaussianBlur', sigma_range=(0.1, 2.0), prob=0.5),
)


@TRANSFORMS.register_module()
class StrongViews(BaseTransform):
    """Add ``num_views`` strong views of ``results['img']`` as ``results['strong_views']``.

    Each view runs ``transforms`` on its own copy of the image, so the views differ by the
    transforms' randomness only; ``results['img']`` (the weak view) is left as it is. Put it
    after the geometric transforms and before :class:`PackSegViews`.

    Args:
        transforms (Sequence[dict]): Photometric transforms of one strong view, e.g.
            UniMatch's ``ColorJitter`` / ``RandomGrayscale`` / ``RandomGaussianBlur``
            (:data:`UNIMATCH_STRONG_TRANSFORMS`, the default) or Simple Baseline's
            ``StrongAugment``. They must not change the image's shape.
        num_views (int): Strong views per image: 2 for UniMatch and UniMatch V2, 1 for
            FixMatch. Default: 2.
    """

    def __init__(self, transforms: Optional[Sequence[dict]] = None, num_views: int = 2):
        if num_views < 1:
            raise ValueError(f'num_views must be >= 1, got {num_views}')
        self.transform_cfgs = [dict(t) for t in (transforms or UNIMATCH_STRONG_TRANSFORMS)]
        self.transforms = Compose(copy.deepcopy(self.transform_cfgs))
        self.num_views = num_views

    def transform(self, results: dict) -> dict:
        views = [self._strong_view(results) for _ in range(self.num_views)]
        results['strong_views'] = views
        results['strong'] = False  # the sample itself (its weak view) is not strongly augmented
        return results

    def _strong_view(self, results: dict) -> np.ndarray:
        view = self.transforms(dict(img=results['img'].copy(), img_shape=results['img_shape']))
        if view['img'].shape != results['img'].shape:
            raise ValueError(f'a strong-view transform changed the image shape from '
                             f"{results['img'].shape} to {view['img'].shape}: only "
                             'photometric transforms may follow the shared geometry')
        return view['img']

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_views={self.num_views}, '
                f'transforms={self.transform_cfgs})')


@TRANSFORMS.register_module()
class PackSegViews(PackSegInputs):
    """:class:`~mmseg.datasets.transforms.PackSegInputs` that also packs the strong views of
    :class:`StrongViews` into ``data_sample.strong_views``, a uint8 tensor (V, C, H, W) laid
    out as ``inputs``. Without strong views it packs exactly as ``PackSegInputs``.

    Args:
        meta_keys (Sequence[str]): As ``PackSegInputs``.
    """

    def transform(self, results: dict) -> dict:
        packed = super().transform(results)
        views: Optional[List[np.ndarray]] = results.get('strong_views')
        if views:
            stacked = np.stack([v if v.ndim == 3 else v[..., None] for v in views])
            packed['data_samples'].strong_views = torch.from_numpy(
                np.ascontiguousarray(stacked.transpose(0, 3, 1, 2)))
        return packed
