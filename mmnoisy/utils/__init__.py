from .compat import (install_mmcv_ext_placeholder, load_runner_checkpoint,
                     trusted_checkpoint_loading)

__all__ = [
    'install_mmcv_ext_placeholder', 'load_runner_checkpoint', 'trusted_checkpoint_loading'
]
