from .dynamic_self_training_loss import DynamicSelfTrainingLoss

__all__ = ['DynamicSelfTrainingLoss']
