"""Multi-scale (and flipped) forwards of a segmentor, one function for every caller.

Three places run the same views of a batch and differ only in what they keep:

* :class:`ADELESegmentor` trains on the per-scale logits (``fusion=None``, with gradients);
* ADELE's label correction (:func:`mmnoisy.pseudo.label_correction.predict_multiscale`)
  takes ``softmax(mean logits / T)`` (``fusion='mean_logits'``, T = 3 as released);
* the offline pseudo-labeller (:func:`mmnoisy.pseudo.predict_probabilities`) takes the mean
  of per-view softmaxes (``'probs'``) or ``softmax(sum of logits / T)`` (``'logits'``, the
  Simple Baseline).

``align_corners`` policy: both resizes, the input to each scale and each view's logits back
to the output size, use the decode head's own ``align_corners`` (mmseg's
``EncoderDecoder.align_corners`` is a copy of it), as mmseg's heads resize their features and
``EncoderDecoder.postprocess_result`` resizes its logits. A model built for
``align_corners=True`` (e.g. Cityscapes at 769 x 769) is thus never fed a view sampled on the
other grid. Scale 1.0 is the input itself, not an identity resize.

It lives in ``models/`` because the segmentor needs it for training; the pseudo-labeller and
the ADELE hook sit above ``models`` and import it from here.
"""
from typing import Iterator, List, Optional, Sequence, Tuple, Union

from mmseg.models.utils import resize
from torch import Tensor, nn

FUSIONS = (None, 'probs', 'logits', 'mean_logits')


def _views(segmentor: nn.Module, inputs: Tensor, scales: Sequence[float], flip: bool,
           out_size: Tuple[int, int]) -> Iterator[Tensor]:
    """Logits of each view (scale x optional horizontal flip) at ``out_size``, unflipped."""
    align_corners = segmentor.decode_head.align_corners
    for scale in scales:
        view = inputs if scale == 1 else resize(
            inputs, scale_factor=scale, mode='bilinear', align_corners=align_corners)
        for flipped in ((False, True) if flip else (False, )):
            x = view.flip(-1) if flipped else view
            logits = segmentor.decode_head.forward(segmentor.extract_feat(x))
            logits = resize(logits, size=out_size, mode='bilinear',
                            align_corners=align_corners, warning=False)
            yield logits.flip(-1) if flipped else logits


def multi_scale_forward(segmentor: nn.Module,
                        inputs: Tensor,
                        scales: Sequence[float] = (1.0, ),
                        flip: bool = False,
                        out_size: Optional[Tuple[int, int]] = None,
                        fusion: Optional[str] = None,
                        temperature: float = 1.0) -> Union[List[Tensor], Tensor]:
    """Forward ``inputs`` at each scale (and mirrored), resize to ``out_size`` and fuse.

    Each view goes through ``segmentor.extract_feat`` and ``segmentor.decode_head.forward``
    (no ``test_cfg`` sliding window), so gradients flow unless the caller disables them.
    Fused outputs are accumulated view by view: only one view's logits are held at a time.

    Args:
        segmentor (nn.Module): An mmseg ``EncoderDecoder`` (unwrapped).
        inputs (Tensor): (N, 3, H, W) preprocessed images.
        scales (Sequence[float]): Input scales. Default: (1.0, ).
        flip (bool): Add the horizontal mirror of every scale. Default: False.
        out_size (tuple[int, int], optional): Size of the returned maps. Default: None (the
            input size).
        fusion (str, optional): None: the list of per-view logits, in order (scale, then
            flip). 'probs': mean over views of ``softmax(logits / T)``. 'logits':
            ``softmax(sum of logits / T)``. 'mean_logits': ``softmax(mean of logits / T)``.
            Default: None.
        temperature (float): Softmax temperature ``T`` of the fused modes. Default: 1.0.

    Returns:
        list[Tensor] | Tensor: (N, C, *out_size) logits per view, or the fused
        probabilities.
    """
    if fusion not in FUSIONS:
        raise ValueError(f'fusion must be one of {FUSIONS}, got {fusion!r}')
    views = _views(segmentor, inputs, scales, flip, out_size or tuple(inputs.shape[2:]))
    if fusion is None:
        return list(views)
    fused, count = None, 0
    for logits in views:
        term = (logits / temperature).softmax(1) if fusion == 'probs' else logits
        fused = term if fused is None else fused + term
        count += 1
    if fusion == 'probs':
        return fused / count
    if fusion == 'mean_logits':
        fused = fused / count
    return (fused / temperature).softmax(1)
