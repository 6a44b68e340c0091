from .compat import install_mmcv_ext_placeholder
from .constants import IGNORE_INDEX
from .errors import CheckpointError, ConfigError, OutputDirError, UserError

__all__ = [
    'IGNORE_INDEX', 'CheckpointError', 'ConfigError', 'OutputDirError', 'UserError',
    'install_mmcv_ext_placeholder'
]
