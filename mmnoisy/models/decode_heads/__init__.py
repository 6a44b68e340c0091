from .bn_head import BNHead
from .deeplabv2_head import DeepLabV2Head

__all__ = ['BNHead', 'DeepLabV2Head']
