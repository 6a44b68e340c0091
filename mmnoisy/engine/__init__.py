from .distributed import prepare_cpu_distributed, replace_sync_bn
from .hooks import *  # noqa: F401,F403
from .loops import SelfTrainingLoop
from .runner import MMNoisyRunner

__all__ = ['MMNoisyRunner', 'SelfTrainingLoop', 'prepare_cpu_distributed', 'replace_sync_bn']
