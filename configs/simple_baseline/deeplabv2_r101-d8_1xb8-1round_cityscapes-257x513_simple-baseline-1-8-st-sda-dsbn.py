# Simple Baseline ablation (Table 6 row 4: 63.8 mIoU), DeepLab-v2 R101, Cityscapes 1/8: as
# "+SDA", with every (Sync)BN turned into DSBN (SyncBN branches; strong samples through aux).
_base_ = './deeplabv2_r101-d8_1xb8-1round_cityscapes-257x513_simple-baseline-1-8-st-sda.py'
model = dict(dsbn=True)
