import math
from typing import Optional, Union

import torch.nn.functional as F
from torch import Tensor

from mmnoisy.registry import MODELS
from mmnoisy.utils.constants import IGNORE_INDEX
from .utils import PixelLoss


@MODELS.register_module()
class SelfCorrectionLoss(PixelLoss):
    """Self-correction loss (SCL) of `Simple Baseline <https://arxiv.org/abs/2104.07256>`_,
    for pseudo-labelled images: confident pixels learn from the pseudo label (cross
    entropy), uncertain ones mostly through the noise-robust reverse cross entropy.

    Per pixel, with softmax ``p`` and pseudo label ``y``: ``w = max_c p`` (no gradient),
    set to 1 where ``w > threshold``;
    ``rce = -sum_c p_c log(clamp(onehot_c, clamp_min, 1)) = -log(clamp_min) * (1 - p_y)``;
    ``loss = alpha * (1 - w) * CE + beta * w * rce``, averaged over every pixel of the
    images (ignored pixels add 0 but count, as released; ``avg_non_ignore=True`` counts the
    non-ignored ones only). Each pixel's term depends on its own image only (the released
    code broadcasts (B, H, W) against (B, 1, H, W), mixing the images of a batch; that is
    not reproduced). It is called like mmseg's ``CrossEntropyLoss``; at ``alpha=1, beta=0``
    it is that cross entropy with the per-pixel weight ``1 - w``.

    Args:
        alpha (float): Weight of the cross-entropy term. Default: 1.0 (paper; 0.5 in the
            released code's defaults).
        beta (float): Weight of the reverse cross-entropy term. Default: 1.0.
        threshold (float): Confidence above which ``w`` is 1. Default: 0.8.
        clamp_min (float): Clamp of the one-hot label inside the log. Default: 1e-4.
        reduction (str): 'none', 'mean' or 'sum'. Default: 'mean'.
        avg_non_ignore (bool): Average over non-ignored pixels only. Default: False (the
            paper's and released code's mean over every pixel).
        ignore_index (int): Label of pixels that carry no loss, unless the call passes
            one. Default: 255.
        loss_weight (float): Multiplier of the loss. Default: 1.0.
        loss_name (str): Name in the log (must contain ``loss``). Default: 'loss_scl'.
    """

    def __init__(self,
                 alpha: float = 1.0,
                 beta: float = 1.0,
                 threshold: float = 0.8,
                 clamp_min: float = 1e-4,
                 reduction: str = 'mean',
                 avg_non_ignore: bool = False,
                 ignore_index: int = IGNORE_INDEX,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_scl'):
        super().__init__(reduction, avg_non_ignore, ignore_index, loss_weight, loss_name)
        if not 0 < clamp_min < 1:
            raise ValueError(f'clamp_min must be in (0, 1), got {clamp_min}')
        self.alpha = alpha
        self.beta = beta
        self.threshold = threshold
        self.clamp_min = clamp_min

    def forward(self,
                cls_score: Tensor,
                label: Tensor,
                weight: Optional[Tensor] = None,
                avg_factor: Optional[Union[int, float, Tensor]] = None,
                reduction_override: Optional[str] = None,
                ignore_index: Optional[int] = None,
                **kwargs) -> Tensor:
        """Args:
            cls_score (Tensor): Logits (N, C, H, W) at the label's size.
            label (Tensor): Pseudo labels (N, H, W).
            weight (Tensor, optional): Per-pixel weights (N, H, W), e.g. from a pixel
                sampler; they multiply the loss before the reduction. Default: None.
            avg_factor (int | float | Tensor, optional): Denominator of the mean.
                Default: None.
            reduction_override (str, optional): 'none', 'mean' or 'sum'. Default: None.
            ignore_index (int, optional): Overrides the constructor's, as mmseg heads pass it.

        Returns:
            Tensor: The weighted loss (a per-pixel map (N, H, W) for 'none').
        """
        ignore_index = self.resolve_ignore_index(ignore_index, reduction_override)
        valid = label != ignore_index
        target = label.masked_fill(~valid, 0)
        ce = F.cross_entropy(cls_score, target, reduction='none')
        prob = cls_score.softmax(1)
        p_label = prob.gather(1, target.unsqueeze(1)).squeeze(1)
        rce = -math.log(self.clamp_min) * (1 - p_label)
        w = prob.detach().amax(1)
        w = w.masked_fill(w > self.threshold, 1.0)
        loss = (self.alpha * (1 - w) * ce + self.beta * w * rce) * valid
        return self.reduce(loss, label, ignore_index, weight, avg_factor, reduction_override)
