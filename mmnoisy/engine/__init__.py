from .distributed import prepare_cpu_distributed, replace_sync_bn
from .runner import MMNoisyRunner

__all__ = ['MMNoisyRunner', 'prepare_cpu_distributed', 'replace_sync_bn']
from .hooks import *  # noqa: E402,F401,F403
