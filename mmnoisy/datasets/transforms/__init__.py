from .centroid_crop import CentroidCrop
from .extra_labels import LoadExtraLabels, PackSegInputsWithExtraLabels

__all__ = ['CentroidCrop', 'LoadExtraLabels', 'PackSegInputsWithExtraLabels']
