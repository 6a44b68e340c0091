from .centroid_crop import CentroidCrop
from .extra_labels import LoadExtraLabels, PackSegInputsWithExtraLabels
from .loading import LoadImageFromFile
from .sparse_labels import SynthSparseLabels, sparsify
from .strong_augment import StrongAugment
from .views import UNIMATCH_STRONG_TRANSFORMS, PackSegViews, StrongViews

__all__ = [
    'CentroidCrop', 'LoadExtraLabels', 'LoadImageFromFile', 'PackSegInputsWithExtraLabels',
    'StrongAugment', 'SynthSparseLabels', 'sparsify', 'StrongViews', 'PackSegViews',
    'UNIMATCH_STRONG_TRANSFORMS'
]
