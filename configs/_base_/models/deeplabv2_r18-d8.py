# A small DeepLab-v2 for CPU runs on the procedural data: ResNet-18 (V1c stem) at half width
# and output stride 8, random init. The atrous rates are scaled to ~128 px inputs, whose
# features are 16 px wide (rates 6-24 would mostly read padding).
_base_ = './deeplabv2_r101-d8.py'
norm_cfg = dict(type='BN', requires_grad=True)
half_width = 32  # ResNet-18's 64 channels halved
model = dict(
    backbone=dict(type='ResNetV1c', depth=18, stem_channels=half_width,
                  base_channels=half_width, norm_cfg=norm_cfg, init_cfg=None),
    decode_head=dict(in_channels=half_width * 8, dilations=(2, 4, 6, 8), num_classes=9))
