from typing import Optional, Tuple, Union

import numpy as np
import torch
from mmcv.transforms.utils import cache_randomness
from mmseg.datasets.transforms import RandomCrop

from mmnoisy.registry import TRANSFORMS
from mmnoisy.utils.constants import IGNORE_INDEX


def sample_centroid(results: dict) -> Optional[Tuple[int, int]]:
    """The centroid ``(x, y)`` a :class:`~mmnoisy.datasets.samplers.CentroidSample` index
    brought to this sample, in the original label's pixels; None for a random draw."""
    return getattr(results.get('sample_idx'), 'centroid', None)


@TRANSFORMS.register_module()
class CentroidCrop(RandomCrop):
    """Crop around the class centroid the sampler chose, else at random (Zhu et al. §3.2;
    NVIDIA semantic-segmentation ``RandomCrop`` with a centroid).

    Put it after the resizing transforms (e.g. ``RandomResize``) and before flips: the
    centroid is scaled with the image (current size / ``ori_shape``), then
    ``x1 = randint(cx - crop_w + 1, cx)`` clamped to the image (same for y), so the crop
    always holds the centroid when the image is at least as large as the crop. The released
    code draws from ``cx - crop_w``, which can leave the centroid one pixel outside. Without a
    centroid it is mmseg's ``RandomCrop`` (``cat_max_ratio`` applies there). As in mmseg, a
    crop larger than the image keeps the whole image side; the data preprocessor pads.

    ``crop_size`` lives in shared memory, so :class:`CropScheduleHook` can change it while
    dataloader workers run.

    Args:
        crop_size (int | tuple[int, int]): (h, w) of the crop.
        cat_max_ratio (float): For random crops, as in mmseg. Default: 1.0.
        ignore_index (int): Ignored label for ``cat_max_ratio``. Default: 255.
    """

    def __init__(self,
                 crop_size: Union[int, Tuple[int, int]],
                 cat_max_ratio: float = 1.,
                 ignore_index: int = IGNORE_INDEX):
        super().__init__(crop_size, cat_max_ratio, ignore_index)

    @property
    def crop_size(self) -> Tuple[int, int]:
        return tuple(self._crop_size.tolist())

    @crop_size.setter
    def crop_size(self, size: Union[int, Tuple[int, int]]) -> None:
        size = (size, size) if isinstance(size, int) else tuple(size)
        if not hasattr(self, '_crop_size'):
            self._crop_size = torch.zeros(2, dtype=torch.int64).share_memory_()
        self._crop_size.copy_(torch.tensor([int(size[0]), int(size[1])]))

    @cache_randomness
    def crop_bbox(self, results: dict) -> tuple:
        centroid = sample_centroid(results)
        if centroid is None:
            return super().crop_bbox(results)
        img_h, img_w = results['img'].shape[:2]
        ori_h, ori_w = results['ori_shape'][:2]
        x = int(centroid[0] * img_w / ori_w)
        y = int(centroid[1] * img_h / ori_h)
        crop_h, crop_w = self.crop_size
        y1 = self._start(y, min(crop_h, img_h), img_h)
        x1 = self._start(x, min(crop_w, img_w), img_w)
        return y1, y1 + crop_h, x1, x1 + crop_w

    @staticmethod
    def _start(centre: int, crop: int, size: int) -> int:
        start = np.random.randint(centre - crop + 1, centre + 1)
        return min(max(start, 0), size - crop)
