import importlib

from . import transforms  # noqa: F401
from .checked_dataset import CheckedSegDataset
from .correctable import CorrectableLabelDataset
from .samplers import MultiSourceSampler
from .semi_spec import SemiDataSpec, complete_dataloaders, semi_data_spec
from .shapes import PretrainShapesDataset, ProceduralShapesDataset
from .transforms import SynthSparseLabels, sparsify
from .validation import InvalidDatasetError, check_labels
from .voc import CityscapesSplitDataset, PascalVOCSplitDataset

# Offline data synthesis lives in mmnoisy.synthesis, which builds on this package. Its public
# names stay importable from here, resolved on first use, so that importing the runtime
# datasets never imports the offline code (and the two packages form no cycle).
_SYNTHESIS_NAMES = ('CoverageReport', 'ShapesSpec', 'generate_shapes_dataset', 'noise',
                    'render_sample')


def __getattr__(name: str):
    """``mmnoisy.datasets.<name>`` for the names that moved to :mod:`mmnoisy.synthesis`."""
    if name in _SYNTHESIS_NAMES:
        return getattr(importlib.import_module('mmnoisy.synthesis'), name)
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


__all__ = [
    'CheckedSegDataset', 'CityscapesSplitDataset', 'CorrectableLabelDataset', 'CoverageReport',
    'InvalidDatasetError', 'MultiSourceSampler', 'PascalVOCSplitDataset',
    'PretrainShapesDataset', 'ProceduralShapesDataset', 'SemiDataSpec', 'ShapesSpec',
    'SynthSparseLabels',
    'check_labels', 'complete_dataloaders', 'generate_shapes_dataset', 'render_sample',
    'semi_data_spec', 'sparsify'
]
