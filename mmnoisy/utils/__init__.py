from .compat import install_mmcv_ext_placeholder
from .errors import CheckpointError, ConfigError, OutputDirError, UserError

__all__ = [
    'CheckpointError', 'ConfigError', 'OutputDirError', 'UserError',
    'install_mmcv_ext_placeholder'
]
