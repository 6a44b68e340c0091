from .centroid_crop import CentroidCrop
from .extra_labels import LoadExtraLabels, PackSegInputsWithExtraLabels
from .loading import LoadImageFromFile
from .photometric import ColorJitter, RandomGaussianBlur, RandomGrayscale
from .sparse_labels import SynthSparseLabels, sparsify
from .strong_augment import StrongAugment

__all__ = [
    'CentroidCrop', 'ColorJitter', 'LoadExtraLabels', 'LoadImageFromFile',
    'PackSegInputsWithExtraLabels', 'RandomGaussianBlur', 'RandomGrayscale', 'StrongAugment',
    'SynthSparseLabels', 'sparsify'
]
