from typing import List

import torch
from mmcv.cnn import build_norm_layer
from mmseg.models.decode_heads.decode_head import BaseDecodeHead

from mmnoisy.registry import MODELS


@MODELS.register_module()
class BNHead(BaseDecodeHead):
    """DINOv2's linear probe: BatchNorm over the token channels, then a 1x1 conv to classes.

    From facebookresearch/dinov2 ``eval/segmentation`` (``BNHead``). The ``linear`` probe reads
    the last block (``in_channels=C``, ``in_index=0``); the ``ms`` probe concatenates the last
    four blocks (``in_channels=[C] * 4``, ``in_index=[0, 1, 2, 3]``,
    ``input_transform='resize_concat'``: each map resized bilinearly to the first one's size,
    then concatenated), so BN and the conv see ``4C`` channels. Logits stay at 1/14 of the
    input and are upsampled bilinearly by the segmentor/loss.

    Args:
        norm_cfg (dict): The BN over the ``channels`` features (``'SyncBN'`` as the official
            configs; mmengine reverts it to BN when not distributed). Default:
            ``dict(type='SyncBN', requires_grad=True)``.
        dropout_ratio (float): Dropout before the classifier; the probe uses none. Default: 0.
        **kwargs: :class:`BaseDecodeHead` arguments. ``channels`` defaults to the sum of
            ``in_channels`` and must equal it.
    """

    def __init__(self, norm_cfg: dict = dict(type='SyncBN', requires_grad=True),
                 dropout_ratio: float = 0.0, **kwargs):
        in_channels = kwargs['in_channels']
        total = sum(in_channels) if isinstance(in_channels, (list, tuple)) else in_channels
        kwargs.setdefault('channels', total)
        super().__init__(norm_cfg=norm_cfg, dropout_ratio=dropout_ratio, **kwargs)
        if self.channels != total:
            raise ValueError(f'BNHead: channels={self.channels} must equal the concatenated '
                             f'input channels {total} (in_channels={in_channels}); the probe '
                             'has no projection before its classifier.')
        self.bn = build_norm_layer(norm_cfg, self.channels)[1]

    def forward(self, inputs: List[torch.Tensor]) -> torch.Tensor:
        return self.cls_seg(self.bn(self._transform_inputs(inputs)))
