from typing import List, Sequence

import torch.nn as nn
from torch import Tensor

from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmnoisy.registry import MODELS


@MODELS.register_module()
class DeepLabV2Head(BaseDecodeHead):
    """DeepLab-v2 ASPP classifier head.

    This head is the implementation of `DeepLab: Semantic Image Segmentation with Deep
    Convolutional Nets, Atrous Convolution, and Fully Connected CRFs
    <https://arxiv.org/abs/1606.00915>`_: one 3x3 classifier per atrous rate, each mapping
    the backbone features straight to class scores, and the scores summed. Unlike
    :class:`mmseg.models.ASPPHead` (DeepLab-v3) there is no shared projection, no image
    pooling branch and no normalisation.

    The DST-CBC and Simple Baseline releases return from inside the branch loop, so only
    their first two rates are used: ``dilations=(6, 12)`` reproduces those models.

    Args:
        dilations (Sequence[int]): Atrous rate (= padding) of each classifier branch.
            Default: (6, 12, 18, 24), as in the paper.
        **kwargs: Passed to :class:`BaseDecodeHead`. ``channels`` is unused (the branches
            emit classes directly) and defaults to ``in_channels``; ``dropout_ratio``
            defaults to 0 as in DeepLab-v2.
    """

    def __init__(self,
                 dilations: Sequence[int] = (6, 12, 18, 24),
                 channels: int = -1,
                 dropout_ratio: float = 0.0,
                 init_cfg=dict(type='Normal', std=0.01, override=dict(name='classifiers')),
                 **kwargs):
        if not dilations:
            raise ValueError('DeepLabV2Head needs at least one dilation')
        in_channels = kwargs.pop('in_channels')
        super().__init__(
            in_channels=in_channels,
            channels=in_channels if channels < 0 else channels,
            dropout_ratio=dropout_ratio,
            init_cfg=init_cfg,
            **kwargs)
        if self.input_transform == 'multiple_select':
            raise ValueError('DeepLabV2Head classifies a single feature map')
        # The branches are the classifiers: BaseDecodeHead's 1x1 conv_seg is not part of v2.
        del self.conv_seg
        self.dilations = tuple(dilations)
        self.classifiers = nn.ModuleList(
            nn.Conv2d(self.in_channels, self.out_channels, kernel_size=3, padding=rate,
                      dilation=rate, bias=True) for rate in self.dilations)

    def forward(self, inputs: List[Tensor]) -> Tensor:
        x = self._transform_inputs(inputs)
        if self.dropout is not None:
            x = self.dropout(x)
        return sum(classifier(x) for classifier in self.classifiers)
