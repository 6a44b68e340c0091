# Simple Baseline ablation on the procedural data, 1/8 labels, rung "+DSBN": as "+SDA", with
# every BN of the model turned into DSBN (strong samples through the aux branch). Counterpart
# of Table 6 row 4 (63.8 mIoU). A plain-BN checkpoint (`load_from`) fans out to both branches.
_base_ = './deeplabv2_r18-d8_1xb8-1round_shapes-112x112_simple-baseline-1-8-st-sda.py'
model = dict(dsbn=True)
