from .extra_labels import LoadExtraLabels, PackSegInputsWithExtraLabels
from .strong_augment import StrongAugment

__all__ = ['LoadExtraLabels', 'PackSegInputsWithExtraLabels', 'StrongAugment']
