from typing import Optional, Union

import torch
import torch.nn.functional as F
from torch import Tensor

from mmnoisy.registry import MODELS
from mmnoisy.utils.constants import IGNORE_INDEX
from .utils import PixelLoss


@MODELS.register_module()
class DynamicSelfTrainingLoss(PixelLoss):
    """Dynamic self-training loss of `DST-CBC <https://arxiv.org/abs/2004.08514>`_.

    Pseudo-labelled pixels are weighted by the current model's confidence in their label,
    ``w = p_cur[y] ** gamma`` (no gradient flows through ``w``); labelled pixels weigh 1:

    ``loss = sum(weight * w * CE(z, y)) / avg_factor``

    It is called like mmseg's ``CrossEntropyLoss`` and equals it at ``gamma=0``. The
    released denominator is the number of non-ignored pixels of the whole batch (labelled +
    pseudo): the default ``avg_non_ignore=True`` gives it when one call sees the whole
    batch, and :class:`SemiSupervisedSegmentor` (``normalization='whole_batch'``) passes it
    as ``avg_factor`` when it scores each source separately.

    Args:
        gamma (float): Focusing exponent; 9 in the paper (4 above 1000 labels); 0 is plain
            cross entropy. Default: 9.
        reduction (str): 'none', 'mean' or 'sum'. Default: 'mean'.
        avg_non_ignore (bool): Average over non-ignored pixels only, DST-CBC's
            denominator (unlike mmseg's ``CrossEntropyLoss``, whose default is False).
            Default: True.
        ignore_index (int): Label of pixels that carry no loss, unless the call passes
            one. Default: 255.
        loss_weight (float): Multiplier of the loss. Default: 1.0.
        loss_name (str): Name in the log (must contain ``loss``). Default: 'loss_dst'.
    """

    def __init__(self,
                 gamma: float = 9.0,
                 reduction: str = 'mean',
                 avg_non_ignore: bool = True,
                 ignore_index: int = IGNORE_INDEX,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_dst'):
        super().__init__(reduction, avg_non_ignore, ignore_index, loss_weight, loss_name)
        if gamma < 0:
            raise ValueError(f'gamma must be >= 0, got {gamma}')
        self.gamma = gamma

    def forward(self,
                cls_score: Tensor,
                label: Tensor,
                is_pseudo: Optional[Tensor] = None,
                *,
                weight: Optional[Tensor] = None,
                avg_factor: Optional[Union[int, float, Tensor]] = None,
                reduction_override: Optional[str] = None,
                ignore_index: Optional[int] = None,
                **kwargs) -> Tensor:
        """Args:
            cls_score (Tensor): Logits (N, C, H, W) at the label's size.
            label (Tensor): Labels (N, H, W).
            is_pseudo (Tensor, optional): Bool (N,), True for images with pseudo labels.
                None: every image is pseudo-labelled.
            weight (Tensor, optional): Per-pixel weights (N, H, W), e.g. from a pixel
                sampler; they multiply the loss before the reduction. Default: None.
            avg_factor (int | float | Tensor, optional): Denominator of the mean, e.g. the
                whole batch's non-ignored pixels. Default: None.
            reduction_override (str, optional): 'none', 'mean' or 'sum'. Default: None.
            ignore_index (int, optional): Overrides the constructor's, as mmseg heads pass it.

        Returns:
            Tensor: The weighted loss (a per-pixel map (N, H, W) for 'none').
        """
        if is_pseudo is not None and is_pseudo.dim() != 1:
            raise ValueError(f'is_pseudo must be (N,), got {tuple(is_pseudo.shape)}: pass '
                             'per-pixel weights as weight=')
        ignore_index = self.resolve_ignore_index(ignore_index, reduction_override)
        loss = F.cross_entropy(cls_score, label, ignore_index=ignore_index, reduction='none')
        if self.gamma > 0:
            loss = loss * self._confidence_weights(cls_score, label, ignore_index, is_pseudo)
        return self.reduce(loss, label, ignore_index, weight, avg_factor, reduction_override)

    @torch.no_grad()
    def _confidence_weights(self, cls_score: Tensor, label: Tensor, ignore_index: int,
                            is_pseudo: Optional[Tensor]) -> Tensor:
        """``p_cur[y] ** gamma`` on pseudo images, 1 on labelled ones, (N, H, W)."""
        safe_label = label.masked_fill(label == ignore_index, 0)
        prob = cls_score.softmax(dim=1).gather(1, safe_label.unsqueeze(1)).squeeze(1)
        weights = prob.pow(self.gamma)
        if is_pseudo is not None:
            is_pseudo = is_pseudo.to(device=weights.device, dtype=torch.bool)
            weights = torch.where(is_pseudo[:, None, None], weights, torch.ones_like(weights))
        return weights
