"""Per-class IoU statistics streamed from training forwards (ADELE, paper 000 §2.1-2.2).

``noisy``: the training prediction against the original noisy label (the curve ADELE fits).
With clean labels available (diagnostics), on the pixels whose noisy label is wrong:
``el`` (early learning) against the clean label, ``m`` (memorization) against the noisy one.
"""
from typing import Dict, Optional

import numpy as np
import torch
from mmengine import dist

from mmnoisy.utils.constants import IGNORE_INDEX

EPS = 1e-10


class TrainIoUAccumulator:
    """Sums of intersection, predicted area and label area per class, per curve name.

    Args:
        num_classes (int): Number of classes.
        ignore_index (int): Default: 255.
    """

    def __init__(self, num_classes: int, ignore_index: int = IGNORE_INDEX):
        self.num_classes = num_classes
        self.ignore_index = ignore_index
        self.sums: Dict[str, torch.Tensor] = {}

    def _add(self, name: str, pred: torch.Tensor, label: torch.Tensor, keep: torch.Tensor):
        pred, label = pred[keep], label[keep]
        c = self.num_classes
        rows = torch.stack([
            torch.bincount(label[pred == label], minlength=c)[:c],
            torch.bincount(pred, minlength=c)[:c],
            torch.bincount(label, minlength=c)[:c],
        ]).double().cpu()
        self.sums[name] = self.sums.get(name, torch.zeros(3, c, dtype=torch.float64)) + rows

    @torch.no_grad()
    def update(self, pred: torch.Tensor, noisy: torch.Tensor,
               clean: Optional[torch.Tensor] = None) -> None:
        """Add a batch: ``pred``, ``noisy`` and ``clean`` are (N, H, W) integer maps."""
        pred, noisy = pred.long(), noisy.long()
        valid = (noisy != self.ignore_index) & (pred < self.num_classes)
        self._add('noisy', pred, noisy, valid)
        if clean is not None:
            clean = clean.long()
            wrong = valid & (clean != self.ignore_index) & (clean != noisy)
            self._add('el', pred, clean, wrong)
            self._add('m', pred, noisy, wrong)

    def reset(self) -> None:
        self.sums = {}

    def all_reduce(self) -> None:
        """Sum the statistics of all ranks (every rank must hold the same names)."""
        for name in sorted(self.sums):
            dist.all_reduce(self.sums[name], op='sum')

    def iou(self, name: str = 'noisy') -> Optional[np.ndarray]:
        """``TP / (T + P - TP + 1e-10)`` per class, or None when nothing was seen."""
        if name not in self.sums:
            return None
        tp, pred_area, label_area = self.sums[name].numpy()
        return tp / (label_area + pred_area - tp + EPS)
