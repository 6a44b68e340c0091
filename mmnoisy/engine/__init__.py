from .distributed import prepare_cpu_distributed, replace_sync_bn
from .optimizers import TrainableOptimWrapperConstructor
from .runner import MMNoisyRunner

__all__ = [
    'MMNoisyRunner', 'TrainableOptimWrapperConstructor', 'prepare_cpu_distributed',
    'replace_sync_bn'
]
