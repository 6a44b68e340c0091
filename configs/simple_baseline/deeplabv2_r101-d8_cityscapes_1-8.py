# Simple Baseline, DeepLab-v2 R101 (ImageNet), Cityscapes at half resolution, 1/8 labels: the
# whole method (SDA + DSBN + SCL) with iterative training, 3 rounds (the student of each
# round is the next round's teacher). Reproduces paper Table 4 / Table 6 row 6: 67.6 mIoU on
# val (supervised baseline 60.6).
#   python tools/train.py configs/simple_baseline/deeplabv2_r101-d8_cityscapes_1-8.py
_base_ = './deeplabv2_r101-d8_cityscapes_1-8_st-sda-dsbn-scl.py'
train_cfg = dict(ratios=[1.0, 1.0, 1.0])
