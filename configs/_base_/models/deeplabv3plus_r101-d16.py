# UniMatch's (and its FixMatch's) model in mmseg parts: DeepLab-v3+ on a ResNet-101 at output
# stride 16 (LiheYoung/UniMatch model/semseg/deeplabv3plus.py, configs/*.yaml:
# replace_stride_with_dilation [False, False, True], ASPP dilations [6, 12, 18]), SyncBN, no
# auxiliary head, logits upsampled with align_corners=True, plain cross entropy over the
# labelled pixels (nn.CrossEntropyLoss(ignore_index=255)): mmseg's DeepLab-v3+ R50-D8 base with
# those changes. Leaves: ../../unimatch/_base_/*.py.
#
# Backbone. mmseg's ResNetV1c-101 (a deep stem of three 3x3 convs 32-32-64, stride-2 1x1
# shortcut convs) with the ImageNet weights `open-mmlab://resnet101_v1c`; layer4 dilated
# (strides (1, 2, 2, 1), dilations (1, 1, 1, 2), its first block undilated: contract_dilation,
# as torchvision's replace_stride_with_dilation). The release's ResNet-101
# (model/backbone/resnet.py) is not torchvision's (7x7 stem) either: its deep stem is 64-64-128
# wide and its ImageNet weights are the authors' `pretrained/resnet101.pth` (Google Drive,
# loaded with strict=False). `backbone.stem_channels=128` gives that layout, but then neither
# mmseg's weights fit nor do the authors' without renaming their keys (conv1.* -> stem.*).
#
# Head. mmseg's DepthwiseSeparableASPPHead, which differs from the release's plain head:
# its ASPP branches (1x1, dilations 6/12/18, image pooling) use depthwise-separable 3x3 convs
# and are fused by a 3x3 conv, and the decoder's two 3x3 convs on [ASPP, 48-channel layer1]
# are depthwise separable; the release has plain dilated 3x3 convs, a 1x1 projection and two
# plain 3x3 `fuse` convs. Widths are the release's (256 = 2048 / 8; mmseg's configs use 512);
# no dropout before the classifier (the release has none; mmseg's default is 0.1); mmseg
# draws the classifier from N(0, 0.01) (the release: PyTorch's default init).
_base_ = 'mmseg::_base_/models/deeplabv3plus_r50-d8.py'
model = dict(
    pretrained='open-mmlab://resnet101_v1c',
    backbone=dict(depth=101, strides=(1, 2, 2, 1), dilations=(1, 1, 1, 2)),
    decode_head=dict(channels=256, dilations=(1, 6, 12, 18), dropout_ratio=0.0, num_classes=21,
                     align_corners=True, loss_decode=dict(avg_non_ignore=True)),
    auxiliary_head=None)
