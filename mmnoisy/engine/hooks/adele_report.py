"""What ADELE's hook shows the user of a correction pass: its counts, its log line, and the
scalars it sends through mmengine's visualizer (TensorBoard, W&B, ...).

Nothing here changes what ADELE computes; it only counts and reports.
"""
import logging
import re
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.logging import print_log

from mmnoisy.utils.constants import IGNORE_INDEX


def tag(name: str) -> str:
    """A class name as part of a scalar tag or image name: one word, no path separator
    (LocalVisBackend writes an image to ``vis_image/<name>_<step>.png``)."""
    return re.sub(r'[^\w.-]', '_', str(name))


def class_scalars(prefix: str, values: Sequence[float], classes: Sequence[str],
                  only: Optional[Sequence[int]] = None) -> Dict[str, float]:
    """``{'<prefix>/<class>': value}`` for the visualizer.

    Args:
        prefix (str): The tag before the class name, e.g. ``'adele/train_iou'``.
        values (Sequence[float]): One value per class.
        classes (Sequence[str]): The class names.
        only (Sequence[int], optional): The class indices to send; None sends every class.
            Default: None.
    """
    indices = range(min(len(values), len(classes))) if only is None else only
    return {f'{prefix}/{tag(classes[i])}': float(values[i]) for i in indices}


def record_scalars(recorded: Dict[str, List[float]], classes: Sequence[str]) -> dict:
    """One record's per-class IoUs for the visualizer.

    Args:
        recorded (dict): The hook's curves' new points, ``{'noisy' | 'el' | 'm': [IoU per
            class]}``.
        classes (Sequence[str]): The class names.

    Returns:
        dict: ``adele/train_iou/<class>`` (against the noisy labels) and, with clean labels,
        ``adele/iou_el/<class>`` and ``adele/iou_m/<class>``.
    """
    prefixes = dict(noisy='adele/train_iou', el='adele/iou_el', m='adele/iou_m')
    scalars = {}
    for name, iou in recorded.items():
        scalars.update(class_scalars(prefixes[name], iou, classes))
    return scalars


def trigger_scalars(start_epochs: Dict[int, int], triggered: Dict[int, int],
                    classes: Sequence[str]) -> dict:
    """Each fitted class's trigger state for the visualizer.

    Args:
        start_epochs (dict): Class -> fitted start epoch (16: the curve did not flatten).
        triggered (dict): Class -> epoch it triggered at.
        classes (Sequence[str]): The class names.

    Returns:
        dict: ``adele/start_epoch/<class>`` and ``adele/triggered/<class>`` (0 or 1).
    """
    scalars = {}
    for cls, start in start_epochs.items():
        scalars[f'adele/start_epoch/{tag(classes[cls])}'] = int(start)
        scalars[f'adele/triggered/{tag(classes[cls])}'] = int(cls in triggered)
    return scalars


class CorrectionStats:
    """The counts of one correction pass (of one rank, until :meth:`merge`).

    A pixel counts as changed when the new label differs from the **original** noisy label
    (what the written label set holds, in cumulative mode too), under the class it was
    relabelled to. ``candidates`` counts the pixels that rule 3 alone would change
    (confident, predicted class in the update set, not the current label), so that a pass
    that changes nothing can say whether the confidence or the other rules stopped it.

    Args:
        classes (Sequence[str]): The dataset's class names.
        update_classes (Sequence[int]): The background first, then the triggered classes.
        tau (float): The hook's confidence threshold.
    """

    def __init__(self, classes: Sequence[str], update_classes: Sequence[int], tau: float):
        self.classes, self.update_classes, self.tau = list(classes), list(update_classes), tau
        self.pixels = np.zeros(len(self.classes), np.int64)  # pixels relabelled to each class
        self.images = np.zeros(len(self.classes), np.int64)  # images with such a pixel
        self.changed_images = 0
        self.candidates = 0
        self.max_confidence = 0.0

    def add(self, original: np.ndarray, current: np.ndarray, new: np.ndarray,
            pred: np.ndarray, max_prob: np.ndarray) -> None:
        """Count one image.

        Args:
            original (np.ndarray): (H, W) original noisy label.
            current (np.ndarray): (H, W) label the rule corrected.
            new (np.ndarray): (H, W) corrected label.
            pred (np.ndarray): (H, W) predicted classes.
            max_prob (np.ndarray): (H, W) probability of the predicted class.
        """
        changed = new != original
        if changed.any():
            self.changed_images += 1
            to = new[changed]
            counts = np.bincount(to[to != IGNORE_INDEX], minlength=len(self.classes))
            self.pixels += counts[:len(self.classes)]
            self.images += counts[:len(self.classes)] > 0
        self.candidates += int(np.count_nonzero(
            (max_prob > self.tau) & (pred != current) & np.isin(pred, self.update_classes)))
        self.max_confidence = max(self.max_confidence, float(max_prob.max(initial=0.0)))

    @classmethod
    def merge(cls, parts: List['CorrectionStats']) -> 'CorrectionStats':
        """The sum of the ranks' counts."""
        total = cls(parts[0].classes, parts[0].update_classes, parts[0].tau)
        for part in parts:
            total.pixels += part.pixels
            total.images += part.images
            total.changed_images += part.changed_images
            total.candidates += part.candidates
            total.max_confidence = max(total.max_confidence, part.max_confidence)
        return total

    def scalars(self) -> dict:
        """The totals and the counts of each update class, for the visualizer."""
        only = self.update_classes
        return {'adele/changed_pixels': int(self.pixels.sum()),
                'adele/changed_images': self.changed_images,
                **class_scalars('adele/changed_pixels', self.pixels, self.classes, only),
                **class_scalars('adele/changed_images', self.images, self.classes, only)}

    def summary(self, num_images: int) -> str:
        """``changed 3/40 labels, 1234 pixels (to disc 1000 px in 2 images, ...)``."""
        per_class = ', '.join(f'{self.classes[c]} {self.pixels[c]} px in {self.images[c]} '
                              'images' for c in self.update_classes if self.pixels[c])
        return (f'changed {self.changed_images}/{num_images} labels, {self.pixels.sum()} '
                f'pixels' + (f' (to {per_class})' if per_class else ''))

    def no_change_reason(self, temperature: float) -> str:
        """The likely reason a pass changed nothing, with what to try."""
        if self.max_confidence <= self.tau:
            return (f'no pixel was predicted with confidence above tau={self.tau} (the '
                    f'highest was {self.max_confidence:.3f}, softmax at temperature '
                    f'{temperature}); if this repeats, lower `temperature` or `tau`, or turn '
                    'on `crf`')
        if not self.candidates:
            return (f'the pixels above tau={self.tau} (highest confidence '
                    f'{self.max_confidence:.3f}) all predict their current label or a class '
                    'that has not triggered')
        return (f'{self.candidates} confident pixels would change, but the rule kept every '
                'label: its triggered classes are absent (rule 1), the predicted class is '
                'absent from it (rule 2; `class_constraint=False` lifts it), or the result would lose half its foreground and '
                'be >95% background (safety rule, as when an under-trained model predicts '
                'mostly background)')


def log_pass(stats: CorrectionStats, head: str, num_images: int, temperature: float,
             tail: str) -> None:
    """One line per correction pass: what it changed per class, or a WARNING that it changed
    nothing, with the likely reason (a pass that keeps the original labels otherwise looks
    like a working one among hundreds of INFO lines).

    Args:
        stats (CorrectionStats): The pass's counts, merged over ranks.
        head (str): The line's start, e.g. ``'ADELE correction after epoch 3'``.
        num_images (int): Images of the pass.
        temperature (float): The predictions' softmax temperature.
        tail (str): The line's end (timings).
    """
    names = ', '.join(stats.classes[c] for c in stats.update_classes)
    line = f'{head} (classes {names}): {stats.summary(num_images)}; {tail}'
    if stats.changed_images:
        print_log(line, logger='current')
        return
    print_log(f'{line}. No label changed, training continues on the original noisy labels: '
              f'{stats.no_change_reason(temperature)}.', logger='current',
              level=logging.WARNING)
