from .dinov2 import DINOv2

__all__ = ['DINOv2']
