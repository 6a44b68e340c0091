from .compat import (install_mmcv_ext_placeholder, load_from_trusted_local,
                     trusted_checkpoint_loading)

__all__ = [
    'install_mmcv_ext_placeholder', 'load_from_trusted_local', 'trusted_checkpoint_loading'
]
