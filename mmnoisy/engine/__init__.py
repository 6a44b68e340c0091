from .distributed import prepare_cpu_distributed, replace_sync_bn
from .hooks import *  # noqa: F401,F403
from .loops import SelfTrainingLoop, TeacherStudentValLoop
from .optimizers import TrainableOptimWrapperConstructor
from .runner import MMNoisyRunner

__all__ = [
    'MMNoisyRunner', 'SelfTrainingLoop', 'TeacherStudentValLoop',
    'TrainableOptimWrapperConstructor', 'prepare_cpu_distributed', 'replace_sync_bn'
]
