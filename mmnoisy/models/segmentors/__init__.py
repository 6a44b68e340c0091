from .adele_segmentor import ADELESegmentor
from .semi_segmentor import SemiSupervisedSegmentor

__all__ = ['ADELESegmentor', 'SemiSupervisedSegmentor']
