from .centroid_crop import CentroidCrop
from .extra_labels import LoadExtraLabels, PackSegInputsWithExtraLabels
from .loading import LoadImageFromFile
from .photometric import ColorJitter, RandomGaussianBlur, RandomGrayscale
from .sparse_labels import SynthSparseLabels, sparsify
from .strong_augment import StrongAugment
from .views import UNIMATCH_STRONG_TRANSFORMS, PackSegViews, StrongViews

__all__ = [
    'CentroidCrop', 'ColorJitter', 'LoadExtraLabels', 'LoadImageFromFile',
    'PackSegInputsWithExtraLabels', 'PackSegViews', 'RandomGaussianBlur', 'RandomGrayscale',
    'StrongAugment', 'StrongViews', 'SynthSparseLabels', 'UNIMATCH_STRONG_TRANSFORMS', 'sparsify'
]
