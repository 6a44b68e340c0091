"""The reduction shared by mmnoisy's per-pixel losses, on mmseg's loss contract."""
from typing import Optional, Union

from mmseg.models.losses.utils import weight_reduce_loss
from torch import Tensor

REDUCTIONS = (None, 'none', 'mean', 'sum')


def reduce_pixel_loss(loss: Tensor,
                      label: Tensor,
                      ignore_index: int,
                      weight: Optional[Tensor] = None,
                      reduction: str = 'mean',
                      avg_factor: Optional[Union[int, float, Tensor]] = None,
                      avg_non_ignore: bool = False) -> Tensor:
    """Weight and reduce a per-pixel loss as mmseg's ``cross_entropy`` does.

    ``weight`` (e.g. an OHEM sampler's 0/1 map) multiplies the loss before the reduction and
    does not change the denominator. The denominator of ``'mean'`` is ``avg_factor`` when
    given, else the number of non-ignored pixels (``avg_non_ignore=True``), else all pixels.

    Args:
        loss (Tensor): Per-pixel loss (N, H, W), 0 at ignored pixels.
        label (Tensor): Labels (N, H, W).
        ignore_index (int): Label of ignored pixels.
        weight (Tensor, optional): Per-pixel weights (N, H, W). Default: None.
        reduction (str): 'none', 'mean' or 'sum'. Default: 'mean'.
        avg_factor (int | float | Tensor, optional): Denominator of the mean. Default: None.
        avg_non_ignore (bool): Average over non-ignored pixels only. Default: False.

    Returns:
        Tensor: The reduced loss (the per-pixel map for ``'none'``).
    """
    if avg_factor is None and reduction == 'mean' and avg_non_ignore:
        avg_factor = label.numel() - (label == ignore_index).sum().item()
    if weight is not None:
        weight = weight.float()
    return weight_reduce_loss(loss, weight=weight, reduction=reduction, avg_factor=avg_factor)
