# Simple Baseline on the procedural data, 1/8 labels: the whole method (SDA + DSBN + SCL)
# with iterative training, 2 rounds (the round-2 teacher is the best student of round 1).
# Counterpart of Table 6 row 6 (67.6 mIoU). Demo config for CPUs:
#   python tools/train.py configs/simple_baseline/deeplabv2_r18-d8_1xb8-2rounds_shapes-112x112_simple-baseline-1-8.py
#   python tools/test.py configs/simple_baseline/deeplabv2_r18-d8_1xb8-2rounds_shapes-112x112_simple-baseline-1-8.py \
#       work_dirs/deeplabv2_r18-d8_1xb8-2rounds_shapes-112x112_simple-baseline-1-8/best_mIoU_iter_*.pth
_base_ = './deeplabv2_r18-d8_1xb8-1round_shapes-112x112_simple-baseline-1-8-st-sda-dsbn-scl.py'
train_cfg = dict(ratios=[1.0, 1.0])
