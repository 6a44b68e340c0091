from .self_training_loop import SelfTrainingLoop

__all__ = ['SelfTrainingLoop']
