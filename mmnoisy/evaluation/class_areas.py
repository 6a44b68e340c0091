"""Per-class areas of two label maps, streamed over a dataset, and the metrics mmseg's
:class:`~mmseg.evaluation.metrics.IoUMetric` derives from them.

The pseudo-label report (pseudo labels against ground truth) and the label-noise report
(noisy against clean labels) count through mmseg's own ``intersect_and_union`` and score
through its ``total_area_to_metrics``, so their IoU is the IoU of ``tools/test.py``.
"""
from typing import Dict, Union

import numpy as np
import torch
from mmengine import dist
from mmseg.evaluation.metrics import IoUMetric

from mmnoisy.utils.constants import IGNORE_INDEX

# mmseg counts with torch.histc in float32, exact up to 2**24 per bin: longer inputs are
# counted in chunks of this many pixels and summed as integers, so totals stay exact.
EXACT_CHUNK = 2**24
AREAS = ('intersect', 'union', 'pred', 'label')

LabelMap = Union[np.ndarray, torch.Tensor]


class ClassAreas:
    """Sums of the intersection, union, predicted and labelled area of every class.

    Args:
        num_classes (int): Number of classes.
        ignore_index (int): Label of the pixels left out. Default: 255.
    """

    def __init__(self, num_classes: int, ignore_index: int = IGNORE_INDEX) -> None:
        self.num_classes = num_classes
        self.ignore_index = ignore_index
        self.areas = torch.zeros(len(AREAS), num_classes, dtype=torch.int64)

    def update(self, pred: LabelMap, label: LabelMap) -> None:
        """Add a prediction and its label map (same shape, any number of dimensions).

        Pixels labelled ``ignore_index`` are left out, as in mmseg's ``IoUMetric``.
        """
        pred = torch.as_tensor(pred).reshape(-1).long()
        label = torch.as_tensor(label).reshape(-1).long()
        for start in range(0, label.numel(), EXACT_CHUNK):
            chunk = slice(start, start + EXACT_CHUNK)
            areas = IoUMetric.intersect_and_union(pred[chunk], label[chunk], self.num_classes,
                                                  self.ignore_index)
            self.areas += torch.stack(areas).round().long()

    def merge(self, other: 'ClassAreas') -> None:
        """Add the areas counted by ``other``."""
        self.areas += other.areas

    def all_reduce(self) -> None:
        """Sum the areas of all ranks."""
        if dist.get_world_size() > 1:
            dist.all_reduce(self.areas, op='sum')

    def area(self, name: str) -> torch.Tensor:
        """One row of :data:`AREAS` (int64, per class)."""
        return self.areas[AREAS.index(name)]

    def metrics(self) -> Dict[str, np.ndarray]:
        """mmseg's per-class ``IoU``, ``Acc``, ``Precision``, ``Recall``, ``Fscore`` and the
        overall ``aAcc`` (float64; NaN where a class has no area to divide by)."""
        return IoUMetric.total_area_to_metrics(*self.areas.double(),
                                               metrics=['mIoU', 'mFscore'])
