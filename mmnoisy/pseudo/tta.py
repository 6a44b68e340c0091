"""Test-time augmented class probabilities of a batch: scales and flips, fused."""
from typing import Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def segmentation_model(model: nn.Module) -> nn.Module:
    """The mmseg segmentor inside wrappers (DDP, SemiSupervisedSegmentor)."""
    model = getattr(model, 'module', model)
    return getattr(model, 'segmentor', model)


@torch.no_grad()
def predict_probabilities(model: nn.Module,
                          inputs: Tensor,
                          out_size: Tuple[int, int],
                          scales: Sequence[float] = (1.0, ),
                          flip: bool = False,
                          fusion: str = 'probs',
                          temperature: float = 1.0) -> Tensor:
    """Class probabilities of ``inputs`` (N, 3, H, W, normalised) at ``out_size``.

    Each view (scale x optional horizontal flip) is predicted at its own size, its logits
    resized bilinearly to ``out_size`` (flipped back). ``fusion='logits'`` sums the logits
    and takes one softmax (Simple Baseline); ``'probs'`` averages per-view softmaxes.
    """
    if fusion not in ('logits', 'probs'):
        raise ValueError(f"fusion must be 'logits' or 'probs', got {fusion!r}")
    segmentor = segmentation_model(model)
    fused = None
    for scale in scales:
        view = inputs if scale == 1 else F.interpolate(
            inputs, scale_factor=scale, mode='bilinear', align_corners=False)
        for flipped in ((False, True) if flip else (False, )):
            x = view.flip(-1) if flipped else view
            logits = segmentor.decode_head.forward(segmentor.extract_feat(x))
            logits = F.interpolate(logits, size=out_size, mode='bilinear',
                                   align_corners=segmentor.align_corners)
            if flipped:
                logits = logits.flip(-1)
            term = logits if fusion == 'logits' else (logits / temperature).softmax(1)
            fused = term if fused is None else fused + term
    if fusion == 'logits':
        return (fused / temperature).softmax(1)
    return fused / (len(scales) * (2 if flip else 1))
