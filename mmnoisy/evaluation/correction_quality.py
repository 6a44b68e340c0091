"""How good a label correction is, measured against the clean labels.

A correction (ADELE's, or any rule that turns a model's confident predictions into labels)
is worth running when the pixels it changes become right (precision) and it reaches a
useful share of the wrong ones (recall). :class:`CorrectionQuality` streams those counts
image by image, and also what bounds any rule: how many wrongly labelled pixels the model
predicts as their clean class (it learned the truth there) or as their noisy class (it
memorised the error, or learned it as the truth because every object shares it), and how
many of the first are above the confidence threshold.
"""
from typing import Dict, Optional

import numpy as np

from mmnoisy.utils.constants import IGNORE_INDEX

COUNTS = ('valid', 'confident', 'wrong', 'pred_clean', 'pred_noisy', 'reachable', 'changed',
          'fixed', 'broken', 'images', 'images_changed')


class CorrectionQuality:
    """Pixel counts of corrections against clean labels, summed over images.

    Pixels whose clean label is ``ignore_index`` are left out. ``wrong``: noisy label !=
    clean; ``changed``: corrected label != noisy; ``fixed``: changed to the clean class;
    ``broken``: changed from a right label; ``pred_clean`` / ``pred_noisy``: wrong pixels
    predicted as their clean / noisy class; ``reachable``: wrong pixels predicted as their
    clean class above the threshold (what a rule without other constraints could fix);
    ``confident``: pixels predicted above the threshold.

    Args:
        ignore_index (int): Label of the pixels left out. Default: 255.
    """

    def __init__(self, ignore_index: int = IGNORE_INDEX):
        self.ignore_index = ignore_index
        self.counts: Dict[str, int] = dict.fromkeys(COUNTS, 0)

    def add(self, noisy: np.ndarray, new: np.ndarray, clean: np.ndarray,
            pred: Optional[np.ndarray] = None, confident: Optional[np.ndarray] = None) -> None:
        """Count one image.

        Args:
            noisy (np.ndarray): (H, W) label before the correction.
            new (np.ndarray): (H, W) corrected label.
            clean (np.ndarray): (H, W) clean label.
            pred (np.ndarray, optional): (H, W) predicted classes.
            confident (np.ndarray, optional): (H, W) bool, prediction above the threshold.
        """
        valid = clean != self.ignore_index
        wrong = valid & (noisy != clean)
        changed = valid & (new != noisy)
        counts = self.counts
        counts['images'] += 1
        counts['images_changed'] += int(changed.any())
        counts['valid'] += int(np.count_nonzero(valid))
        counts['wrong'] += int(np.count_nonzero(wrong))
        counts['changed'] += int(np.count_nonzero(changed))
        counts['fixed'] += int(np.count_nonzero(changed & (new == clean)))
        counts['broken'] += int(np.count_nonzero(changed & (noisy == clean)))
        if pred is not None:
            pred_clean = wrong & (pred == clean)
            counts['pred_clean'] += int(np.count_nonzero(pred_clean))
            counts['pred_noisy'] += int(np.count_nonzero(wrong & (pred == noisy)))
            if confident is not None:
                counts['reachable'] += int(np.count_nonzero(pred_clean & confident))
                counts['confident'] += int(np.count_nonzero(valid & confident))

    def summary(self) -> Dict[str, float]:
        """The counts and, in %: ``precision`` (fixed / changed), ``recall`` (fixed /
        wrong), ``net`` ((fixed - broken) / wrong: the share of the wrong pixels the
        correction removes, negative when it adds errors), ``pred_clean``, ``pred_noisy``
        and ``reachable`` as shares of the wrong pixels, ``confident_pct`` of all pixels."""
        c = self.counts

        def share(part: int, whole: int) -> float:
            return round(100.0 * part / whole, 2) if whole else 0.0

        return dict(c, precision=share(c['fixed'], c['changed']),
                    recall=share(c['fixed'], c['wrong']),
                    net=share(c['fixed'] - c['broken'], c['wrong']),
                    pred_clean_pct=share(c['pred_clean'], c['wrong']),
                    pred_noisy_pct=share(c['pred_noisy'], c['wrong']),
                    reachable_pct=share(c['reachable'], c['wrong']),
                    confident_pct=share(c['confident'], c['valid']))
