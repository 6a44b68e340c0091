# Simple Baseline ablation (Table 6 row 5: 64.5 mIoU), DeepLab-v2 R101, Cityscapes 1/8: as
# "+DSBN", with the self-correction loss on the pseudo-labelled images.
_base_ = './deeplabv2_r101-d8_1xb8-1round_cityscapes-257x513_simple-baseline-1-8-st-sda-dsbn.py'
model = dict(unsup_loss=dict(_delete_=True, type='SelfCorrectionLoss', alpha=1.0, beta=1.0))
