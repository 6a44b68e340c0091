from .adele_segmentor import ADELESegmentor

__all__ = ['ADELESegmentor']
