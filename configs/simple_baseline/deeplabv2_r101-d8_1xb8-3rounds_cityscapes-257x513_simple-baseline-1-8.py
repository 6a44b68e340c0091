# Simple Baseline, DeepLab-v2 R101 (ImageNet), Cityscapes at half resolution, 1/8 labels: the
# whole method (SDA + DSBN + SCL) with iterative training, 3 rounds (the student of each
# round is the next round's teacher). Reproduces paper Table 4 / Table 6 row 6: 67.6 mIoU on
# val (supervised baseline 60.6).
#   python tools/train.py configs/simple_baseline/deeplabv2_r101-d8_1xb8-3rounds_cityscapes-257x513_simple-baseline-1-8.py
_base_ = './deeplabv2_r101-d8_1xb8-1round_cityscapes-257x513_simple-baseline-1-8-st-sda-dsbn-scl.py'
train_cfg = dict(ratios=[1.0, 1.0, 1.0])
