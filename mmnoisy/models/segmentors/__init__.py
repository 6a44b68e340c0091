from .adele_segmentor import ADELESegmentor
from .fixmatch import FixMatchSegmentor
from .semi_segmentor import SemiSupervisedSegmentor
from .simple_baseline_segmentor import SimpleBaselineSegmentor
from .unimatch import UniMatchSegmentor, with_feature_dropout
from .unimatch_v2 import UniMatchV2Segmentor, complementary_dropout

__all__ = [
    'ADELESegmentor', 'FixMatchSegmentor', 'SemiSupervisedSegmentor', 'SimpleBaselineSegmentor',
    'UniMatchSegmentor', 'UniMatchV2Segmentor', 'complementary_dropout', 'with_feature_dropout'
]
