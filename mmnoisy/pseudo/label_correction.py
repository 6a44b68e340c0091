"""ADELE's label correction: the predictions it trusts and the rule that applies them.

:func:`predict_multiscale` is methods.md §1.3 (multi-scale, optionally flipped, temperature
3, optional dense CRF) and :func:`correct_label` is §1.4 (which pixels of a label change).
Both turn a model's predictions into labels, which is this package's job (as the offline
pseudo-labeller's TTA, CRF and rules), so they live here and not in the hook: the hook
(``engine/hooks/adele.py``) decides when to correct and does the file I/O; these functions
read and write no files and know nothing of runners.
"""
from typing import Optional, Sequence, Tuple

import numpy as np
import torch
from torch import nn

from mmnoisy.models.segmentors.multi_scale_inference import multi_scale_forward
from mmnoisy.utils.constants import IGNORE_INDEX
from .dense_crf import DenseCRFParams, dense_crf


@torch.no_grad()
def predict_multiscale(model: nn.Module, img: np.ndarray,
                       scales: Sequence[float] = (0.75, 1.0, 1.5), flip: bool = False,
                       temperature: float = 3.0, crf: Optional[DenseCRFParams] = None
                       ) -> Tuple[np.ndarray, np.ndarray]:
    """Class and its probability per pixel of one image, from multi-scale logits.

    The image goes through the model's data preprocessor, each scale (and its mirror with
    ``flip``) is forwarded, the logits are resized to the image (mirrored back), averaged,
    and ``softmax(mean / temperature)`` gives the probabilities (temperature 3 as released;
    :func:`~mmnoisy.models.segmentors.multi_scale_inference.multi_scale_forward` with
    ``fusion='mean_logits'``), refined by a dense CRF on the image when ``crf`` is given.

    Args:
        model (nn.Module): An mmseg EncoderDecoder (eval mode).
        img (np.ndarray): (H, W, 3) image as loaded by ``LoadImageFromFile``.
        scales (Sequence[float]): Default: (0.75, 1.0, 1.5).
        flip (bool): Add horizontally flipped views. Default: False.
        temperature (float): Softmax temperature. Default: 3.0.
        crf (DenseCRFParams, optional): Refine the probabilities with
            :func:`mmnoisy.pseudo.dense_crf`. Default: None.

    Returns:
        tuple[np.ndarray, np.ndarray]: (H, W) predicted class and its probability.
    """
    tensor = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))
    inputs = model.data_preprocessor(dict(inputs=[tensor]), False)['inputs']
    prob = multi_scale_forward(model, inputs, scales, flip, fusion='mean_logits',
                               temperature=temperature)[0]
    if crf is not None:
        prob = torch.from_numpy(dense_crf(prob.cpu().numpy(), img, crf))
    max_prob, pred = prob.max(0)
    return pred.cpu().numpy(), max_prob.cpu().numpy()


def correct_label(label: np.ndarray, pred: np.ndarray, max_prob: np.ndarray,
                  update_classes: Sequence[int], tau: float = 0.8,
                  class_constraint: bool = True) -> np.ndarray:
    """ADELE's correction of one label map (methods.md §1.4).

    1. The label is returned unchanged if it holds none of the triggered classes
       (``update_classes[1:]``), unless it is only background/ignore.
    2. If it holds a foreground class, predictions of classes absent from it (other than
       the background) are disallowed ("no change"); ``class_constraint=False`` skips
       this rule.
    3. A pixel takes the prediction ``A`` where ``label != A``, ``max_prob > tau`` and ``A``
       is in ``update_classes`` (ignored pixels can be filled).
    4. Safety: if the result keeps fewer than half the label's foreground pixels and is more
       than 95% background, the label is returned unchanged.

    Args:
        label (np.ndarray): (H, W) uint8 current label (255 = ignore).
        pred (np.ndarray): (H, W) predicted classes.
        max_prob (np.ndarray): (H, W) probability of the predicted class.
        update_classes (Sequence[int]): The background first, then the triggered classes.
        tau (float): Confidence threshold (strict). Default: 0.8.
        class_constraint (bool): Apply rule 2 (as released). The rule trusts the label's
            class set, as WSSS pseudo labels made from correct image tags allow; it also
            makes an object labelled with a wrong class, or dropped while no other object
            of its class is in the image, uncorrectable. Default: True.

    Returns:
        np.ndarray: The new (H, W) uint8 label (a copy).
    """
    label = np.asarray(label, np.uint8)
    update = np.asarray(list(update_classes))
    present = np.setdiff1d(np.unique(label), [0, IGNORE_INDEX])
    if present.size and not np.isin(update[1:], present).any():
        return label.copy()
    constrained = class_constraint and present.size
    allowed = update[np.isin(update, np.append(present, 0))] if constrained else update
    change = (label != pred) & (max_prob > tau) & np.isin(pred, allowed)
    new = label.copy()
    new[change] = pred[change].astype(np.uint8)
    old_fg = np.count_nonzero((label != 0) & (label != IGNORE_INDEX))
    new_fg = np.count_nonzero((new != 0) & (new != IGNORE_INDEX))
    if new_fg < 0.5 * old_fg and np.mean(new == 0) > 0.95:
        return label.copy()
    return new
