"""Offline pseudo-labelling: TTA inference, dense CRF, class-balanced thresholds, writers,
reports."""
from .dense_crf import DenseCRFParams, dense_crf
from .labeler import PseudoLabeler
from .report import PseudoLabelReport
from .reuse import ReusedPseudoLabels
from .rules import RULES, label_by_argmax, label_by_max, label_by_ratio
from .thresholds import ClassConfidenceStats
from .tta import predict_probabilities
from .writer import write_label_png

__all__ = [
    'ClassConfidenceStats', 'DenseCRFParams', 'PseudoLabelReport', 'PseudoLabeler', 'RULES',
    'ReusedPseudoLabels',
    'dense_crf', 'label_by_argmax', 'label_by_max', 'label_by_ratio', 'predict_probabilities',
    'write_label_png'
]
