from .cutmix import cutmix_boxes, paste

__all__ = ['cutmix_boxes', 'paste']
