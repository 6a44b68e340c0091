from .distributed import prepare_cpu_distributed, replace_sync_bn
from .loops import SelfTrainingLoop
from .runner import MMNoisyRunner

__all__ = ['MMNoisyRunner', 'SelfTrainingLoop', 'prepare_cpu_distributed', 'replace_sync_bn']
