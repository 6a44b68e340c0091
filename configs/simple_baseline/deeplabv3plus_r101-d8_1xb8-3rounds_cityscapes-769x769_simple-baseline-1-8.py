# Simple Baseline, DeepLab-v3+ ResNet-101 (ImageNet, mmseg's V1c), Cityscapes at full
# resolution (crop 769x769), 1/8 labels (372 labelled; split 0 of `tools/make_splits.py
# data/cityscapes/data_lists/train.txt --preset cityscapes`): SDA + DSBN + SCL, 3 rounds.
# Paper Table 4, 1/8: 74.1 mIoU on val (supervised 68.9), measured with an Xception-65
# backbone, which mmseg lacks; ResNet-101 is the nearest mmseg backbone (expect lower).
#   python tools/train.py configs/simple_baseline/deeplabv3plus_r101-d8_1xb8-3rounds_cityscapes-769x769_simple-baseline-1-8.py
# Not run here (no GPU, no Cityscapes).
_base_ = [
    'mmseg::_base_/models/deeplabv3plus_r50-d8.py', '../_base_/datasets/cityscapes_semi_769.py',
    '../_base_/default_runtime.py', '../_base_/schedules/simple_baseline.py'
]
segmentor = dict(
    _base_.model,
    pretrained='open-mmlab://resnet101_v1c',
    backbone=dict(_base_.model.backbone, depth=101),
    decode_head=dict(_base_.model.decode_head, align_corners=True),
    auxiliary_head=dict(_base_.model.auxiliary_head, align_corners=True),
    test_cfg=dict(mode='slide', crop_size=_base_.crop_size, stride=(513, 513)))
# The whole method: SDA + DSBN + SCL, iterated for 3 rounds.
model = dict(_base_.semi_segmentor, _scope_='mmnoisy', segmentor=segmentor, dsbn=True,
             data_preprocessor=dict(_base_.data_preprocessor, size=_base_.crop_size),
             unsup_loss=dict(type='SelfCorrectionLoss', alpha=1.0, beta=1.0))
semi_data = dict(strong_transforms=[dict(type='StrongAugment', num_ops=3)])
train_cfg = dict(ratios=[1.0, 1.0, 1.0])
