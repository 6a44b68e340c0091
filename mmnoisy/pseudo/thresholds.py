"""Class-balanced confidence thresholds (DST-CBC Algorithm 1), streamed over a dataset.

For class j, the threshold is the confidence at the top-``ratio`` quantile of the pixels
predicted as j: as released, ``sorted_j[-int(n_j * ratio) - 1]`` of the ascending
confidences. ``histogram`` mode keeps one histogram per class (memory independent of the
dataset size; the threshold is the lower edge of the bin holding the exact value, so it is
within one bin width of it); ``exact`` mode keeps every confidence (tests, small sets).
Classes never predicted get no threshold (NaN) rather than the released code's IndexError.
"""
import torch
from mmengine import dist
from torch import Tensor


class ClassConfidenceStats:
    """Per-class statistics of the confidences of the pixels predicted as each class.

    Args:
        num_classes (int): Number of classes.
        mode (str): 'histogram' (bounded memory) or 'exact'. Default: 'histogram'.
        num_bins (int): Histogram bins over [0, 1]. Default: 1000.
        pixel_stride (int): Use every n-th pixel (the release uses 16). Default: 1.
    """

    def __init__(self, num_classes: int, mode: str = 'histogram', num_bins: int = 1000,
                 pixel_stride: int = 1):
        if mode not in ('histogram', 'exact'):
            raise ValueError(f"mode must be 'histogram' or 'exact', got {mode!r}")
        self.num_classes = num_classes
        self.mode = mode
        self.num_bins = num_bins
        self.pixel_stride = pixel_stride
        self.counts = torch.zeros(num_classes, num_bins, dtype=torch.int64)
        self.values = [[] for _ in range(num_classes)]

    def update(self, max_prob: Tensor, pred: Tensor) -> None:
        """Add pixels: confidences ``max_prob`` and predicted classes ``pred`` (any shape)."""
        max_prob = max_prob.reshape(-1)[::self.pixel_stride].float().cpu()
        pred = pred.reshape(-1)[::self.pixel_stride].long().cpu()
        if self.mode == 'exact':
            for c in pred.unique().tolist():
                self.values[c].append(max_prob[pred == c])
            return
        bins = (max_prob * self.num_bins).long().clamp_(0, self.num_bins - 1)
        self.counts += torch.bincount(pred * self.num_bins + bins,
                                      minlength=self.num_classes * self.num_bins).view(
                                          self.num_classes, self.num_bins)

    def sync(self) -> None:
        """Sum the statistics of all ranks."""
        if dist.get_world_size() == 1:
            return
        if self.mode == 'histogram':
            dist.all_reduce(self.counts, op='sum')
        else:
            gathered = dist.all_gather_object([torch.cat(v) if v else torch.empty(0)
                                               for v in self.values])
            self.values = [[rank[c] for rank in gathered] for c in range(self.num_classes)]

    def pixel_counts(self) -> Tensor:
        if self.mode == 'histogram':
            return self.counts.sum(1)
        return torch.tensor([sum(len(v) for v in vs) for vs in self.values])

    def thresholds(self, ratio: float) -> Tensor:
        """Threshold per class for keeping the top ``ratio`` of its pixels (NaN: none)."""
        if not 0 < ratio <= 1:
            raise ValueError(f'ratio must be in (0, 1], got {ratio}')
        n = self.pixel_counts()
        rank_from_top = (n.double() * ratio).long() + 1  # the released index -int(n*r)-1
        result = torch.full((self.num_classes, ), float('nan'))
        for c in range(self.num_classes):
            if n[c] == 0:
                continue
            k = int(min(rank_from_top[c], n[c]))
            if self.mode == 'exact':
                result[c] = torch.cat(self.values[c]).sort().values[n[c] - k]
            else:
                at_or_above = self.counts[c].flip(0).cumsum(0).flip(0)
                top_bin = int((at_or_above >= k).sum()) - 1
                result[c] = top_bin / self.num_bins
        return result
