"""The reduction shared by mmnoisy's per-pixel losses, on mmseg's loss contract."""
from typing import Optional, Union

from mmseg.models.losses.utils import weight_reduce_loss
from torch import Tensor, nn

from mmnoisy.utils.constants import IGNORE_INDEX

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


class PixelLoss(nn.Module):
    """Base of mmnoisy's per-pixel losses: mmseg's loss contract in one place.

    Subclasses compute a per-pixel loss map and return ``self.reduce(...)`` of it; the call
    takes ``weight`` / ``avg_factor`` / ``reduction_override`` / ``ignore_index`` as mmseg's
    decode heads pass them, and the loss has ``loss_weight`` and ``loss_name``.

    Args:
        reduction (str): 'none', 'mean' or 'sum'. Default: 'mean'.
        avg_non_ignore (bool): Average over non-ignored pixels only. Default: False.
        ignore_index (int): Label of pixels that carry no loss, unless the call passes
            one. Default: 255.
        loss_weight (float): Multiplier of the loss. Default: 1.0.
        loss_name (str): Name in the log (must contain ``loss``). Default: 'loss'.
    """

    def __init__(self,
                 reduction: str = 'mean',
                 avg_non_ignore: bool = False,
                 ignore_index: int = IGNORE_INDEX,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss'):
        super().__init__()
        if reduction not in REDUCTIONS[1:]:
            raise ValueError(f'reduction must be one of {REDUCTIONS[1:]}, got {reduction!r}')
        self.reduction = reduction
        self.avg_non_ignore = avg_non_ignore
        self.ignore_index = ignore_index
        self.loss_weight = loss_weight
        self._loss_name = loss_name

    @property
    def loss_name(self) -> str:
        return self._loss_name

    def resolve_ignore_index(self, ignore_index: Optional[int],
                             reduction_override: Optional[str]) -> int:
        """The call's ignore index (the constructor's if None); checks the override."""
        if reduction_override not in REDUCTIONS:
            raise ValueError(f'reduction_override must be one of {REDUCTIONS}')
        return self.ignore_index if ignore_index is None else ignore_index

    def reduce(self, loss: Tensor, label: Tensor, ignore_index: int,
               weight: Optional[Tensor] = None,
               avg_factor: Optional[Union[int, float, Tensor]] = None,
               reduction_override: Optional[str] = None) -> Tensor:
        """``loss_weight`` times the reduced per-pixel ``loss`` (:func:`reduce_pixel_loss`)."""
        loss = reduce_pixel_loss(loss, label, ignore_index, weight=weight,
                                 reduction=reduction_override or self.reduction,
                                 avg_factor=avg_factor, avg_non_ignore=self.avg_non_ignore)
        return self.loss_weight * loss
