"""The few shims this stack needs (see ``docs/stack.md``), applied only when needed.

* ``mmcv._ext``: mmseg imports ``mmcv.ops`` at import time, which mmcv-lite cannot serve.
  When the compiled extension is missing, a placeholder module stands in for it: importing
  works, calling a compiled op raises a clear error. With full mmcv installed nothing changes.

Runner checkpoints (torch >= 2.6 refuses mmengine's with ``weights_only=True``, mmengine issue
#1655) are read by :mod:`mmnoisy.engine.checkpoint`, which allow-lists what they hold.
"""
import importlib.machinery
import importlib.util
import sys
import types
from typing import Callable


_EXT_NAME = 'mmcv._ext'


def _compiled_op_missing(name: str) -> Callable:
    if name.startswith('__'):
        # Introspection (inspect, pickle, pkgutil) probes dunders: they must stay absent.
        raise AttributeError(name)

    def raise_missing(*args, **kwargs):
        raise RuntimeError(
            f'mmcv.ops.{name} needs the compiled mmcv extension, but only mmcv-lite is '
            'installed. Install full mmcv (`MMCV_WITH_OPS=1 pip install --no-build-isolation '
            'mmcv==2.1.0`) to use this op; mmnoisy itself never calls it.')

    raise_missing.__name__ = name
    return raise_missing


def install_mmcv_ext_placeholder() -> bool:
    """Register a placeholder ``mmcv._ext`` when the compiled one is absent.

    Returns:
        bool: True when the placeholder was installed (mmcv-lite), False when a real
        extension exists or a placeholder is already in place.
    """
    if _EXT_NAME in sys.modules:
        return False
    if importlib.util.find_spec('mmcv') is None:
        raise ImportError('mmnoisy needs mmcv (full mmcv or mmcv-lite < 2.2.0): '
                          '`pip install mmcv-lite==2.1.0`')
    if importlib.util.find_spec(_EXT_NAME) is not None:
        return False
    placeholder = types.ModuleType(_EXT_NAME)
    # A spec without a loader keeps mmengine's `mmcv_full_available()` False.
    placeholder.__spec__ = importlib.machinery.ModuleSpec(_EXT_NAME, None)
    placeholder.__getattr__ = _compiled_op_missing  # PEP 562 module __getattr__
    placeholder.is_placeholder = True
    sys.modules[_EXT_NAME] = placeholder
    return True
