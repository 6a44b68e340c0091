from .checked_dataset import CheckedSegDataset
from .samplers import MultiSourceSampler
from .shapes import ProceduralShapesDataset
from .shapes_generator import ShapesSpec, generate_shapes_dataset, render_sample
from .validation import InvalidDatasetError, check_labels
from .voc import CityscapesSplitDataset, PascalVOCSplitDataset

__all__ = [
    'CheckedSegDataset', 'CityscapesSplitDataset', 'InvalidDatasetError',
    'MultiSourceSampler', 'PascalVOCSplitDataset', 'ProceduralShapesDataset', 'ShapesSpec',
    'check_labels', 'generate_shapes_dataset', 'render_sample'
]
from . import noise  # noqa: E402,F401  label-noise synthesis (tools/synth_noise.py)
from . import transforms  # noqa: E402,F401
from .correctable import CorrectableLabelDataset  # noqa: E402,F401
