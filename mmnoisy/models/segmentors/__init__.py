from .adele_segmentor import ADELESegmentor
from .semi_segmentor import SemiSupervisedSegmentor
from .simple_baseline_segmentor import SimpleBaselineSegmentor

__all__ = ['ADELESegmentor', 'SemiSupervisedSegmentor', 'SimpleBaselineSegmentor']
