# Simple Baseline ablation on the procedural data, 1/8 labels, rung "+SCL": as "+DSBN", with
# the self-correction loss on the pseudo-labelled images (labelled ones keep cross entropy).
# Counterpart of Table 6 row 5 (64.5 mIoU).
_base_ = './deeplabv2_r18-d8_1xb8-1round_shapes-112x112_simple-baseline-1-8-st-sda-dsbn.py'
model = dict(unsup_loss=dict(_delete_=True, type='SelfCorrectionLoss', alpha=1.0, beta=1.0))
