from .distributed import prepare_cpu_distributed, replace_sync_bn
from .hooks import *  # noqa: F401,F403
from .loops import SelfTrainingLoop
from .optimizers import TrainableOptimWrapperConstructor
from .runner import MMNoisyRunner

__all__ = [
    'MMNoisyRunner', 'SelfTrainingLoop', 'TrainableOptimWrapperConstructor',
    'prepare_cpu_distributed', 'replace_sync_bn'
]
