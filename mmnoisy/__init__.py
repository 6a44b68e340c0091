"""mmnoisy: MMSegmentation 1.x extension for training from noisy, sparse or missing labels.

Importing the package registers every mmnoisy module (``custom_imports=['mmnoisy']``).
"""
from .utils.compat import install_mmcv_ext_placeholder

# Must precede any mmseg import: mmseg imports mmcv.ops at import time.
install_mmcv_ext_placeholder()

from . import datasets, engine, evaluation, models, pseudo  # noqa: E402,F401
from .version import __version__  # noqa: E402

__all__ = ['__version__']
