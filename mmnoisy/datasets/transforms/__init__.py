from .extra_labels import LoadExtraLabels, PackSegInputsWithExtraLabels

__all__ = ['LoadExtraLabels', 'PackSegInputsWithExtraLabels']
