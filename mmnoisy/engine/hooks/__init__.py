from .adele import (AdaptiveLabelCorrectionHook, correct_label, correction_start_epoch,
                    fit_iou_curve)
from .crop_schedule import CropScheduleHook, crop_schedule
from .mean_teacher import MeanTeacherHook

__all__ = [
    'AdaptiveLabelCorrectionHook', 'CropScheduleHook', 'MeanTeacherHook', 'correct_label',
    'correction_start_epoch', 'crop_schedule', 'fit_iou_curve'
]
