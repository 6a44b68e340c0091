from .checked_dataset import CheckedSegDataset
from .shapes import ProceduralShapesDataset
from .sparse_labels import CoverageReport, SynthSparseLabels, sparsify
from .shapes_generator import ShapesSpec, generate_shapes_dataset, render_sample
from .validation import InvalidDatasetError, check_labels
from .voc import CityscapesSplitDataset, PascalVOCSplitDataset

__all__ = [
    'CheckedSegDataset', 'CityscapesSplitDataset', 'InvalidDatasetError',
    'PascalVOCSplitDataset', 'ProceduralShapesDataset', 'ShapesSpec', 'check_labels',
    'generate_shapes_dataset', 'render_sample', 'CoverageReport', 'SynthSparseLabels',
    'sparsify'
]
