from .backbones import *  # noqa: F401,F403
from .decode_heads import *  # noqa: F401,F403
from .layers import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .segmentors import *  # noqa: F401,F403
from .data_preprocessor import MultiViewSegDataPreProcessor  # noqa: F401
from .utils import *  # noqa: F401,F403
