"""Multi-scale consistency regularisation of ADELE (paper 000, §2.3, Eq. 3; methods.md §1.5)."""
from typing import Dict, Optional, Sequence

import torch
import torch.nn.functional as F

IGNORE_INDEX = 255
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


def _paper(logits, label, rho, ignore_index):
    valid = label != ignore_index
    num_valid = valid.sum().clamp_min(1)
    ce = [F.cross_entropy(z, label, ignore_index=ignore_index, reduction='sum') / num_valid
          for z in logits]
    log_probs = [F.log_softmax(z, dim=1) for z in logits]
    q = torch.stack(log_probs).exp().mean(0).detach()
    mask = (q.max(1).values > rho).float()
    kl = _kl_to_mixture(log_probs, q.clamp_min(1e-12).log()) / len(logits)
    return dict(loss_ce=sum(ce) / len(logits), loss_consistency=(kl * mask).mean())


def _reference(logits, label, rho, mixture, ignore_index):
    if mixture is None:
        mixture = logits[0].new_zeros(len(logits))
    weights = F.softmax(mixture, dim=0)
    ce = sum(F.cross_entropy(z * w, label, ignore_index=ignore_index, reduction='none')
             for z, w in zip(logits, weights))
    log_probs = [F.log_softmax(z, dim=1) for z in logits]
    q = sum(w * log_p.exp() for w, log_p in zip(weights, log_probs))
    q = q.clamp(REFERENCE_CLAMP, 1 - REFERENCE_CLAMP)
    valid = (label != ignore_index).unsqueeze(1).to(q.dtype)
    # One bit per image: its most confident non-ignored pixel reaches rho.
    mask = (torch.amax(q * valid, dim=(1, 2, 3)) >= rho).to(q.dtype)
    kl = _kl_to_mixture(log_probs, q.log()) * mask[:, None, None]
    return dict(loss_ce=ce.mean(), loss_consistency=kl.mean())


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
    if mode not in MODES:
        raise ValueError(f'mode must be one of {MODES}, got {mode!r}')
    if len(logits) < 2:
        raise ValueError(f'multi-scale consistency needs >= 2 logit maps, got {len(logits)}')
    shapes = {tuple(z.shape) for z in logits}
    if len(shapes) != 1 or tuple(label.shape) != (*logits[0].shape[:1], *logits[0].shape[2:]):
        raise ValueError(f'logits {sorted(shapes)} and label {tuple(label.shape)} must share '
                         'N, H, W: resize the logits to the label size first')
    label = label.long()
    if mode == 'paper':
        return _paper(logits, label, rho, ignore_index)
    return _reference(logits, label, rho, mixture, ignore_index)
