"""Test-time augmented class probabilities of a batch: scales and flips, fused."""
from typing import Sequence, Tuple

import torch
from torch import Tensor, nn

from mmnoisy.models.segmentors.multi_scale_inference import multi_scale_forward


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
    resized bilinearly to ``out_size`` (flipped back), both resizes with the model's
    ``align_corners`` (see :mod:`mmnoisy.models.segmentors.multi_scale_inference`).
    ``fusion='logits'`` sums the logits and takes one softmax (Simple Baseline); ``'probs'``
    averages per-view softmaxes.

    Args:
        model (nn.Module): A segmentor, possibly wrapped (DDP, SemiSupervisedSegmentor).
        inputs (Tensor): (N, 3, H, W) preprocessed images.
        out_size (tuple[int, int]): Size of the returned probabilities.
        scales (Sequence[float]): Input scales. Default: (1.0, ).
        flip (bool): Add the horizontal mirror of each scale. Default: False.
        fusion (str): 'probs' or 'logits'. Default: 'probs'.
        temperature (float): Softmax temperature. Default: 1.0.

    Returns:
        Tensor: (N, C, *out_size) probabilities.
    """
    if fusion not in ('logits', 'probs'):
        raise ValueError(f"fusion must be 'logits' or 'probs', got {fusion!r}")
    return multi_scale_forward(segmentation_model(model), inputs, scales, flip,
                               out_size=out_size, fusion=fusion, temperature=temperature)
