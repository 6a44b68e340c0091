from . import noise  # noqa: F401  label-noise synthesis (tools/synth_noise.py)
from . import transforms  # noqa: F401
from .checked_dataset import CheckedSegDataset
from .correctable import CorrectableLabelDataset
from .samplers import MultiSourceSampler
from .semi_spec import SemiDataSpec, complete_dataloaders, semi_data_spec
from .shapes import ProceduralShapesDataset
from .shapes_generator import ShapesSpec, generate_shapes_dataset, render_sample
from .sparse_labels import CoverageReport, SynthSparseLabels, sparsify
from .validation import InvalidDatasetError, check_labels
from .voc import CityscapesSplitDataset, PascalVOCSplitDataset

__all__ = [
    'CheckedSegDataset', 'CityscapesSplitDataset', 'CorrectableLabelDataset', 'CoverageReport',
    'InvalidDatasetError', 'MultiSourceSampler', 'PascalVOCSplitDataset',
    'ProceduralShapesDataset', 'SemiDataSpec', 'ShapesSpec', 'SynthSparseLabels',
    'check_labels', 'complete_dataloaders', 'generate_shapes_dataset', 'render_sample',
    'semi_data_spec', 'sparsify'
]
