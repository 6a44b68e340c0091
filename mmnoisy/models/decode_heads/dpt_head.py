from typing import List, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.models.utils import resize

from mmnoisy.registry import MODELS


class ResidualConvUnit(nn.Module):
    """``relu -> conv3x3 -> relu -> conv3x3`` plus the input; convs with bias, no norm."""

    def __init__(self, channels: int):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=True)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=True)
        self.activation = nn.ReLU(inplace=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv2(self.activation(self.conv1(self.activation(x))))
        return out + x


class FeatureFusionBlock(nn.Module):
    """Adds ``resConfUnit1(skip)`` to the path (when given), ``resConfUnit2``, upsamples
    bilinearly to ``size`` (or x2) and applies the 1x1 ``out_conv``."""

    def __init__(self, channels: int, with_skip: bool, align_corners: bool = True):
        super().__init__()
        self.align_corners = align_corners
        self.out_conv = nn.Conv2d(channels, channels, 1, bias=True)
        # The release builds resConfUnit1 in every block; the first block has no skip input,
        # so it is left out here (an unused parameter would stall DDP without
        # find_unused_parameters).
        self.resConfUnit1 = ResidualConvUnit(channels) if with_skip else None
        self.resConfUnit2 = ResidualConvUnit(channels)

    def forward(self, *xs: torch.Tensor, size=None) -> torch.Tensor:
        out = xs[0]
        if len(xs) == 2:
            out = out + self.resConfUnit1(xs[1])
        out = self.resConfUnit2(out)
        modifier = dict(scale_factor=2) if size is None else dict(size=size)
        out = nn.functional.interpolate(out, **modifier, mode='bilinear',
                                        align_corners=self.align_corners)
        return self.out_conv(out)


@MODELS.register_module()
class DINOv2DPTHead(BaseDecodeHead):
    """UniMatch V2's DPT head on the patch-token maps of four DINOv2 blocks.

    From LiheYoung/UniMatch-V2 ``model/semseg/dpt.py`` (``DPTHead``, ``use_bn=False``) and
    ``model/util/blocks.py`` (``_make_scratch``, ``FeatureFusionBlock``,
    ``ResidualConvUnit``), itself Depth-Anything's head (`DPT
    <https://arxiv.org/abs/2103.13413>`_). Per input ``i`` (a (N, C, h, w) map of
    :class:`~mmnoisy.models.DINOv2` with ``out_indices`` of four blocks): ``projects[i]``
    (1x1 conv to ``post_process_channels[i]``), ``resize_layers[i]`` (ConvTranspose 4x4/s4,
    2x2/s2, identity, conv 3x3/s2), ``scratch.layer{i+1}_rn`` (3x3 conv, no bias, to
    ``channels``); the fusion blocks ``scratch.refinenet4..1`` go from the coarsest map up,
    each upsampled (align_corners=True) to the next map's size and the last one x2; then
    ``scratch.output_conv`` (3x3 conv + ReLU) and ``conv_seg`` (1x1 to classes: the
    release's ``output_conv.2``). Logits are at 8/14 of the (patch-padded) input.

    Module names follow the release, so a UniMatch V2 checkpoint's ``head.*`` tensors load
    after renaming ``scratch.output_conv.2`` to ``conv_seg`` and dropping
    ``scratch.refinenet4.resConfUnit1`` (built but never called there).

    Not mmseg's ``DPTHead``: with ``norm_cfg=None`` and ``readout_type='ignore'`` that head
    computes another function. (1) Its ``PreActResidualConvUnit`` convs have no bias
    (``bias=False`` hard-coded) where the release's have one. (2) Its fusion blocks always
    upsample x2 and resize the *skip* to the path (align_corners=False); the release resizes
    the *path* to the skip's size (align_corners=True). On an odd patch grid, e.g. the 37 x
    37 of a 518 crop, the 3x3/s2 conv gives 19 x 19, so mmseg continues at 38 / 76 / 152 /
    304 where the release has 37 / 74 / 148 / 296.

    Inputs need not be multiples of the patch size: :class:`DINOv2` pads them bottom/right,
    so the logits cover the padded extent; :meth:`loss_by_feat` / :meth:`predict_by_feat`
    upsample them to that extent and crop (a no-op resize for multiples of 14, which the
    release always feeds). The release upsamples the logits to the input with
    ``align_corners=True``: keep ``align_corners=True``.

    Args:
        in_channels (int | Sequence[int]): Channels of the four input maps (the ViT's embed
            dim, or one per map). Default: 768.
        channels (int): ``features`` of the release: the width of the scratch convs, fusion
            blocks and ``output_conv`` (ViT-S 64, ViT-B 128, ViT-L 256). Default: 128.
        post_process_channels (Sequence[int]): ``out_channels`` of the release: the four
            projections' widths (ViT-S [48, 96, 192, 384], ViT-B [96, 192, 384, 768], ViT-L
            [256, 512, 1024, 1024]). Default: (96, 192, 384, 768).
        num_classes (int): Number of classes. Required.
        in_index (Sequence[int]): Which four backbone outputs to use. Default: (0, 1, 2, 3).
        patch_size (int): The backbone's patch size (for the padded extent). Default: 14.
        dropout_ratio (float): Dropout before ``conv_seg``; the release has none. Default: 0.
        align_corners (bool): For the logits' upsampling in the loss / prediction (the
            fusion blocks always use True, as the release). Default: True.
        init_cfg (dict, optional): None keeps PyTorch's default initialisation of every
            conv, as the release (mmseg heads draw ``conv_seg`` from N(0, 0.01)).
            Default: None.
        **kwargs: Other :class:`BaseDecodeHead` arguments (``loss_decode``,
            ``ignore_index``, ``sampler``, ...). There are no norm layers (the release's
            ``use_bn=False``), so ``norm_cfg`` must be None; the activations are ReLU.
    """

    def __init__(self,
                 in_channels: Union[int, Sequence[int]] = 768,
                 channels: int = 128,
                 post_process_channels: Sequence[int] = (96, 192, 384, 768),
                 *,
                 num_classes: int,
                 in_index: Sequence[int] = (0, 1, 2, 3),
                 patch_size: int = 14,
                 dropout_ratio: float = 0.0,
                 align_corners: bool = True,
                 init_cfg=None,
                 **kwargs):
        if kwargs.get('norm_cfg') is not None:
            raise ValueError('DINOv2DPTHead has no norm layers (UniMatch V2: use_bn=False); '
                             f'norm_cfg must be None, got {kwargs["norm_cfg"]}')
        if isinstance(in_channels, int):
            in_channels = [in_channels] * 4
        in_channels, in_index = list(in_channels), list(in_index)
        if not len(in_channels) == len(in_index) == len(post_process_channels) == 4:
            raise ValueError('DINOv2DPTHead takes four maps: in_channels, in_index and '
                             f'post_process_channels have lengths {len(in_channels)}, '
                             f'{len(in_index)}, {len(post_process_channels)}')
        super().__init__(in_channels, channels, num_classes=num_classes, in_index=in_index,
                         input_transform='multiple_select', dropout_ratio=dropout_ratio,
                         align_corners=align_corners, init_cfg=init_cfg, **kwargs)
        self.patch_size = patch_size
        self.post_process_channels = list(post_process_channels)
        outs = self.post_process_channels
        self.projects = nn.ModuleList(
            nn.Conv2d(c_in, c_out, 1) for c_in, c_out in zip(in_channels, outs))
        self.resize_layers = nn.ModuleList([
            nn.ConvTranspose2d(outs[0], outs[0], kernel_size=4, stride=4),
            nn.ConvTranspose2d(outs[1], outs[1], kernel_size=2, stride=2),
            nn.Identity(),
            nn.Conv2d(outs[3], outs[3], kernel_size=3, stride=2, padding=1),
        ])
        self.scratch = nn.Module()
        for i, c_out in enumerate(outs, 1):
            setattr(self.scratch, f'layer{i}_rn',
                    nn.Conv2d(c_out, channels, 3, padding=1, bias=False))
        for i in range(1, 5):
            setattr(self.scratch, f'refinenet{i}', FeatureFusionBlock(channels, i != 4))
        self.scratch.output_conv = nn.Sequential(
            nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU(inplace=True))

    def forward(self, inputs: List[torch.Tensor]) -> torch.Tensor:
        maps = self._transform_inputs(inputs)
        layers = [resize_layer(project(x)) for x, project, resize_layer
                  in zip(maps, self.projects, self.resize_layers)]
        s = self.scratch
        rn1, rn2, rn3, rn4 = (getattr(s, f'layer{i}_rn')(x) for i, x in enumerate(layers, 1))
        path = s.refinenet4(rn4, size=rn3.shape[2:])
        path = s.refinenet3(path, rn3, size=rn2.shape[2:])
        path = s.refinenet2(path, rn2, size=rn1.shape[2:])
        path = s.refinenet1(path, rn1)
        return self.cls_seg(s.output_conv(path))

    def _to_input(self, seg_logits: torch.Tensor, size: Tuple[int, int]) -> torch.Tensor:
        """Logits over the patch-padded extent of an input of ``size``, cropped to ``size``;
        unchanged when ``size`` is a multiple of the patch size (the caller resizes)."""
        height, width = int(size[0]), int(size[1])
        padded = (-(-height // self.patch_size) * self.patch_size,
                  -(-width // self.patch_size) * self.patch_size)
        if padded == (height, width):
            return seg_logits
        seg_logits = resize(seg_logits, size=padded, mode='bilinear',
                            align_corners=self.align_corners, warning=False)
        return seg_logits[..., :height, :width]

    def loss_by_feat(self, seg_logits: torch.Tensor, batch_data_samples) -> dict:
        size = batch_data_samples[0].gt_sem_seg.data.shape[-2:]
        return super().loss_by_feat(self._to_input(seg_logits, size), batch_data_samples)

    def predict_by_feat(self, seg_logits: torch.Tensor,
                        batch_img_metas: List[dict]) -> torch.Tensor:
        meta = batch_img_metas[0]  # the size BaseDecodeHead.predict_by_feat resizes to
        if isinstance(meta['img_shape'], torch.Size) or 'pad_shape' not in meta:
            size = meta['img_shape']
        else:
            size = meta['pad_shape']
        return super().predict_by_feat(self._to_input(seg_logits, size[:2]), batch_img_metas)
