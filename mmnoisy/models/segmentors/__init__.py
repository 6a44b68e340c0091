from .semi_segmentor import SemiSupervisedSegmentor

__all__ = ['SemiSupervisedSegmentor']
