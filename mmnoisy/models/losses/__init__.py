from .dynamic_self_training_loss import DynamicSelfTrainingLoss
from .multiscale_consistency import MultiScaleConsistencyLoss, multiscale_consistency_loss
from .self_correction_loss import SelfCorrectionLoss

__all__ = [
    'DynamicSelfTrainingLoss', 'MultiScaleConsistencyLoss', 'SelfCorrectionLoss',
    'multiscale_consistency_loss'
]
