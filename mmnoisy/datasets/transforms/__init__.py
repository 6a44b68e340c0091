from .centroid_crop import CentroidCrop
from .extra_labels import LoadExtraLabels, PackSegInputsWithExtraLabels
from .loading import LoadImageFromFile
from .sparse_labels import SynthSparseLabels, sparsify
from .strong_augment import StrongAugment

__all__ = [
    'CentroidCrop', 'LoadExtraLabels', 'LoadImageFromFile', 'PackSegInputsWithExtraLabels',
    'StrongAugment', 'SynthSparseLabels', 'sparsify'
]
