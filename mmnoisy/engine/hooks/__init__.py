from .adele import (AdaptiveLabelCorrectionHook, correct_label, correction_start_epoch,
                    fit_iou_curve)

__all__ = [
    'AdaptiveLabelCorrectionHook', 'correct_label', 'correction_start_epoch', 'fit_iou_curve'
]
