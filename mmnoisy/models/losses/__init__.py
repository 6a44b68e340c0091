from .multiscale_consistency import multiscale_consistency_loss

__all__ = ['multiscale_consistency_loss']
