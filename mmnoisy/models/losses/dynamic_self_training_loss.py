from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from mmnoisy.registry import MODELS


@MODELS.register_module()
class DynamicSelfTrainingLoss(nn.Module):
    """Dynamic self-training loss of `DST-CBC <https://arxiv.org/abs/2004.08514>`_.

    Pseudo-labelled pixels are weighted by the current model's confidence in their label,
    ``w = p_cur[y] ** gamma`` (no gradient flows through ``w``); labelled pixels weigh 1. The
    weighted cross entropy is summed over the batch and divided by the number of
    non-ignored pixels of the whole batch (labelled + pseudo), as released:

    ``loss = sum(w * CE(z, y)) / count(y != ignore)``

    Args:
        gamma (float): Focusing exponent; 9 in the paper (4 above 1000 labels); 0 is plain
            cross entropy. Default: 9.
        ignore_index (int): Label of pixels that carry no loss. Default: 255.
        loss_weight (float): Multiplier of the loss. Default: 1.0.
        loss_name (str): Name in the log (must contain ``loss``). Default: 'loss_dst'.
    """

    def __init__(self,
                 gamma: float = 9.0,
                 ignore_index: int = 255,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_dst'):
        super().__init__()
        if gamma < 0:
            raise ValueError(f'gamma must be >= 0, got {gamma}')
        self.gamma = gamma
        self.ignore_index = ignore_index
        self.loss_weight = loss_weight
        self._loss_name = loss_name

    def forward(self,
                cls_score: Tensor,
                label: Tensor,
                is_pseudo: Optional[Tensor] = None,
                ignore_index: Optional[int] = None,
                **kwargs) -> Tensor:
        """Args:
            cls_score (Tensor): Logits (N, C, H, W) at the label's size.
            label (Tensor): Labels (N, H, W).
            is_pseudo (Tensor, optional): Bool (N,), True for images with pseudo labels.
                None: every image is pseudo-labelled.
            ignore_index (int, optional): Overrides the constructor's, as mmseg heads pass it.
        """
        ignore_index = self.ignore_index if ignore_index is None else ignore_index
        valid = label != ignore_index
        ce = F.cross_entropy(cls_score, label, ignore_index=ignore_index, reduction='none')
        if self.gamma > 0:
            ce = ce * self._confidence_weights(cls_score, label, valid, is_pseudo)
        return self.loss_weight * ce.sum() / valid.sum().clamp(min=1)

    @torch.no_grad()
    def _confidence_weights(self, cls_score, label, valid, is_pseudo):
        safe_label = torch.where(valid, label, torch.zeros_like(label))
        prob = cls_score.softmax(dim=1).gather(1, safe_label.unsqueeze(1)).squeeze(1)
        weights = prob.pow(self.gamma)
        if is_pseudo is not None:
            is_pseudo = is_pseudo.to(device=weights.device, dtype=torch.bool)
            weights = torch.where(is_pseudo[:, None, None], weights, torch.ones_like(weights))
        return weights

    @property
    def loss_name(self) -> str:
        return self._loss_name
