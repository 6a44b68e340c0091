"""Pseudo-labelling rules: from class probabilities to hard labels with 255 = ignore."""
import torch
from torch import Tensor

from mmnoisy.utils.constants import IGNORE_INDEX


def label_by_ratio(probs: Tensor, thresholds: Tensor) -> Tensor:
    """DST-CBC as released: ``argmax(p / t)``, ignored where ``max(p / t) < 1``.

    Args:
        probs (Tensor): Probabilities (C, H, W) or (N, C, H, W).
        thresholds (Tensor): Per-class thresholds (C,); NaN for classes with none, which
            then never win.
    """
    shape = [1] * probs.dim()
    shape[-3] = -1
    t = thresholds.to(probs).nan_to_num(nan=float('inf')).clamp(min=1e-12).view(shape)
    score, label = (probs / t).max(dim=-3)
    return torch.where(score >= 1, label, torch.full_like(label, IGNORE_INDEX))


def label_by_max(probs: Tensor, thresholds: Tensor) -> Tensor:
    """DST-CBC paper (Algorithm 1): ``argmax p``, kept only where ``max p > t[argmax]``."""
    max_prob, label = probs.max(dim=-3)
    t = thresholds.to(probs).nan_to_num(nan=float('inf'))[label]
    return torch.where(max_prob > t, label, torch.full_like(label, IGNORE_INDEX))


def label_by_argmax(probs: Tensor, thresholds: Tensor = None) -> Tensor:
    """Every pixel takes its argmax (Simple Baseline, Zhu et al., DST-CBC at ratio 1)."""
    return probs.argmax(dim=-3)


RULES = dict(ratio=label_by_ratio, max=label_by_max, argmax=label_by_argmax)
