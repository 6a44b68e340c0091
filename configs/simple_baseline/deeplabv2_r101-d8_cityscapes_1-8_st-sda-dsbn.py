# Simple Baseline ablation (Table 6 row 4: 63.8 mIoU), DeepLab-v2 R101, Cityscapes 1/8: as
# "+SDA", with every (Sync)BN turned into DSBN (SyncBN branches; strong samples through aux).
_base_ = './deeplabv2_r101-d8_cityscapes_1-8_st-sda.py'
model = dict(dsbn=True)
