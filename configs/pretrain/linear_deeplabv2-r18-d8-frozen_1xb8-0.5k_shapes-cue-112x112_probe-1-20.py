# Linear probe of the pretrained CNN backbone (docs/pretrained.md): the benchmark's
# ResNetV1c-18 (half width, output stride 8) frozen with its BN statistics, under DINOv2's
# linear head (BN + 1x1 conv on the last stage), trained 500 iterations on the 50 labelled
# images of the colour-cue data's 1/20 split and scored on its 200 val images.
# `tools/pretrain_backbones.py --model r18` runs it on the pretrained and on a random backbone.
_base_ = [
    '../_base_/models/deeplabv2_r18-d8_pretrained-shapes.py',
    '../_base_/datasets/shapes_cue_1-20.py', '../_base_/default_runtime.py',
    '../_base_/schedules/linear_probe.py'
]
crop_size = (112, 112)
model = dict(
    data_preprocessor=dict(size=crop_size),
    backbone=dict(frozen_stages=4, norm_eval=True),
    decode_head=dict(
        _delete_=True, type='BNHead', in_channels=256, in_index=0, num_classes=9,
        norm_cfg=dict(type='BN'), align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)))
