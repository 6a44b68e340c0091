"""Multi-scale consistency regularisation of ADELE (paper 000, §2.3, Eq. 3; methods.md §1.5)."""
from typing import Dict, Optional, Sequence, Union

import torch
import torch.nn.functional as F

from mmnoisy.registry import MODELS
from mmnoisy.utils.constants import IGNORE_INDEX
from .utils import PixelLoss

MODES = ('paper', 'reference')
# The released code clamps the mixture distribution before its log.
REFERENCE_CLAMP = 1e-3


def _kl_to_mixture(log_probs: Sequence[torch.Tensor], log_q: torch.Tensor) -> torch.Tensor:
    """``sum_s KL(p_s || q)`` per pixel, (N, H, W), from log-probabilities.

    Taking ``log p`` from ``log_softmax`` keeps the gradient finite where a confident model's
    softmax underflows to 0 (through ``p * log p`` it would be ``0 * -inf = nan``).
    """
    return sum(F.kl_div(log_q, log_p, reduction='none', log_target=True).sum(1)
               for log_p in log_probs)


def mixture_weights(mixture: Optional[torch.Tensor], logits: Sequence[torch.Tensor]
                    ) -> torch.Tensor:
    """The reference mode's scale weights ``softmax(mixture)``, (S,); 1/S each when None."""
    if mixture is None:
        mixture = logits[0].new_zeros(len(logits))
    return F.softmax(mixture, dim=0)


def consistency_map(logits: Sequence[torch.Tensor],
                    label: torch.Tensor,
                    rho: float = 0.8,
                    mode: str = 'paper',
                    mixture: Optional[torch.Tensor] = None,
                    ignore_index: int = IGNORE_INDEX) -> torch.Tensor:
    """The masked multi-scale KL of each pixel, (N, H, W); its mean is the loss.

    Labels only select the pixels of the reference mode's per-image mask: the term itself
    needs no label, so ignored pixels carry it too.

    Args:
        logits (Sequence[Tensor]): S logit maps (N, C, H, W), already at the label's size.
        label (Tensor): (N, H, W) labels, ``ignore_index`` where unknown.
        rho (float): Confidence threshold. Default: 0.8.
        mode (str): 'paper' or 'reference'. Default: 'paper'.
        mixture (Tensor, optional): Unnormalised mixture parameters (S,) of 'reference'.
        ignore_index (int): Default: 255.
    """
    log_probs = [F.log_softmax(z, dim=1) for z in logits]
    if mode == 'paper':
        q = torch.stack(log_probs).exp().mean(0).detach()
        mask = (q.max(1).values > rho).float()
        return _kl_to_mixture(log_probs, q.clamp_min(1e-12).log()) / len(logits) * mask
    weights = mixture_weights(mixture, logits)
    q = sum(w * log_p.exp() for w, log_p in zip(weights, log_probs))
    q = q.clamp(REFERENCE_CLAMP, 1 - REFERENCE_CLAMP)
    valid = (label != ignore_index).unsqueeze(1).to(q.dtype)
    # One bit per image: its most confident non-ignored pixel reaches rho.
    mask = (torch.amax(q * valid, dim=(1, 2, 3)) >= rho).to(q.dtype)
    return _kl_to_mixture(log_probs, q.log()) * mask[:, None, None]


def multiscale_cross_entropy(logits: Sequence[torch.Tensor],
                             label: torch.Tensor,
                             mode: str = 'paper',
                             mixture: Optional[torch.Tensor] = None,
                             ignore_index: int = IGNORE_INDEX) -> torch.Tensor:
    """The cross-entropy part of each mode: 'paper' averages over non-ignored pixels, then
    over scales; 'reference' scales each logit map by its mixture weight, sums over scales
    and averages over all pixels."""
    if mode == 'paper':
        num_valid = (label != ignore_index).sum().clamp_min(1)
        return sum(F.cross_entropy(z, label, ignore_index=ignore_index, reduction='sum')
                   / num_valid for z in logits) / len(logits)
    ce = sum(F.cross_entropy(z * w, label, ignore_index=ignore_index, reduction='none')
             for z, w in zip(logits, mixture_weights(mixture, logits)))
    return ce.mean()


def check_inputs(logits: Sequence[torch.Tensor], label: torch.Tensor, mode: str) -> None:
    """Raise ValueError on an unknown mode, fewer than 2 scales or mismatched sizes."""
    if mode not in MODES:
        raise ValueError(f'mode must be one of {MODES}, got {mode!r}')
    if isinstance(logits, torch.Tensor) or len(logits) < 2:
        num = 1 if isinstance(logits, torch.Tensor) else len(logits)
        raise ValueError(f'multi-scale consistency needs >= 2 logit maps, got {num} (the '
                         'loss takes the list of logit maps that ADELESegmentor passes)')
    shapes = {tuple(z.shape) for z in logits}
    if len(shapes) != 1 or tuple(label.shape) != (*logits[0].shape[:1], *logits[0].shape[2:]):
        raise ValueError(f'logits {sorted(shapes)} and label {tuple(label.shape)} must share '
                         'N, H, W: resize the logits to the label size first')


def multiscale_consistency_loss(logits: Sequence[torch.Tensor],
                                label: torch.Tensor,
                                rho: float = 0.8,
                                mode: str = 'paper',
                                mixture: Optional[torch.Tensor] = None,
                                ignore_index: int = IGNORE_INDEX) -> Dict[str, torch.Tensor]:
    """Cross-entropy on the available labels plus multi-scale consistency.

    ``mode='paper'`` (default, paper Eq. 3): ``q = mean_s p_s`` (a target, detached);
    ``loss_consistency = mean over all pixels of [max_c q > rho] * (1/S) sum_s KL(p_s || q)``;
    ``loss_ce`` is the cross-entropy of each scale averaged over non-ignored pixels, then over
    scales.

    ``mode='reference'`` reproduces the released code (``calc_jsd_multiscale``): each logit
    map is multiplied by ``w = softmax(mixture)`` before a cross-entropy that is summed over
    scales and averaged over all pixels (ignored ones count 0 but stay in the denominator);
    ``q = clamp(sum_s w_s softmax(z_s), 1e-3, 1 - 1e-3)`` is not detached; the confidence
    mask is one bit per image (``max`` of ``q`` over classes and non-ignored pixels
    ``>= rho``); the KL terms are summed over scales and averaged over all pixels.

    Args:
        logits (Sequence[Tensor]): S logit maps (N, C, H, W), already at the label's size.
        label (Tensor): (N, H, W) labels, ``ignore_index`` where unknown.
        rho (float): Confidence threshold. Default: 0.8.
        mode (str): 'paper' or 'reference'. Default: 'paper'.
        mixture (Tensor, optional): Unnormalised mixture parameters (S,) of the reference
            mode (trained there; zeros, i.e. weights 1/S, when None). Unused by 'paper'.
        ignore_index (int): Default: 255.

    Returns:
        dict[str, Tensor]: ``loss_ce`` and ``loss_consistency`` (unweighted).
    """
    check_inputs(logits, label, mode)
    label = label.long()
    return dict(
        loss_ce=multiscale_cross_entropy(logits, label, mode, mixture, ignore_index),
        loss_consistency=consistency_map(logits, label, rho, mode, mixture,
                                         ignore_index).mean())


@MODELS.register_module()
class MultiScaleConsistencyLoss(PixelLoss):
    """ADELE's multi-scale consistency term (paper 000, §2.3, Eq. 3; methods.md §1.5), as
    a loss of a decode head's ``loss_decode``.

    It scores the S logit maps of one batch seen at S scales, so
    :class:`~mmnoisy.models.ADELESegmentor` calls it with the list of maps (resized to the
    label) while the other losses of ``loss_decode`` score each scale (averaged over scales
    in 'paper' mode, summed over the mixture-weighted maps in 'reference' mode: see
    :func:`multiscale_consistency_loss`, which returns both parts). The term is
    :func:`consistency_map` averaged over every pixel: it needs no label, so ignored pixels
    carry it and ``avg_non_ignore`` does not apply.

    Args:
        rho (float): Confidence threshold. Default: 0.8.
        mode (str): 'paper' or 'reference' (the released code, whose mixture weights the
            segmentor learns). Default: 'paper'.
        reduction (str): 'none', 'mean' or 'sum'. Default: 'mean'.
        ignore_index (int): Label of unknown pixels, unless the call passes one.
            Default: 255.
        loss_weight (float): Lambda, the multiplier of the term. Default: 1.0.
        loss_name (str): Name in the log (must contain ``loss``).
            Default: 'loss_consistency'.
    """

    def __init__(self,
                 rho: float = 0.8,
                 mode: str = 'paper',
                 reduction: str = 'mean',
                 ignore_index: int = IGNORE_INDEX,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_consistency'):
        super().__init__(reduction, False, ignore_index, loss_weight, loss_name)
        if mode not in MODES:
            raise ValueError(f'mode must be one of {MODES}, got {mode!r}')
        self.rho = rho
        self.mode = mode

    def forward(self,
                cls_score: Sequence[torch.Tensor],
                label: torch.Tensor,
                weight: Optional[torch.Tensor] = None,
                avg_factor: Optional[Union[int, float, torch.Tensor]] = None,
                reduction_override: Optional[str] = None,
                ignore_index: Optional[int] = None,
                mixture: Optional[torch.Tensor] = None,
                **kwargs) -> torch.Tensor:
        """Args:
            cls_score (Sequence[Tensor]): S >= 2 logit maps (N, C, H, W) at the label's size.
            label (Tensor): Labels (N, H, W).
            weight (Tensor, optional): Per-pixel weights (N, H, W). Default: None.
            avg_factor (int | float | Tensor, optional): Denominator of the mean.
                Default: None (every pixel).
            reduction_override (str, optional): 'none', 'mean' or 'sum'. Default: None.
            ignore_index (int, optional): Overrides the constructor's.
            mixture (Tensor, optional): Unnormalised mixture parameters (S,) of 'reference'
                (1/S each when None). Default: None.

        Returns:
            Tensor: The weighted term (a per-pixel map (N, H, W) for 'none').
        """
        ignore_index = self.resolve_ignore_index(ignore_index, reduction_override)
        check_inputs(cls_score, label, self.mode)
        label = label.long()
        loss = consistency_map(cls_score, label, self.rho, self.mode, mixture, ignore_index)
        return self.reduce(loss, label, ignore_index, weight, avg_factor, reduction_override)
