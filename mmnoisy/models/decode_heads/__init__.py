from .bn_head import BNHead
from .deeplabv2_head import DeepLabV2Head
from .dpt_head import DINOv2DPTHead

__all__ = ['BNHead', 'DeepLabV2Head', 'DINOv2DPTHead']
