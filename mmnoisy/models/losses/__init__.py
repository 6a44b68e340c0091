from .dynamic_self_training_loss import DynamicSelfTrainingLoss
from .multiscale_consistency import multiscale_consistency_loss

__all__ = ['DynamicSelfTrainingLoss', 'multiscale_consistency_loss']
