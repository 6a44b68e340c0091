# Simple Baseline ablation on the procedural data, 1/8 labels, rung "+SDA": as "s.t.", with
# the 17-op strong augmentation (3 ops per image) on the pseudo-labelled images, after the
# shared geometric transforms. Counterpart of Table 6 row 3 (62.2 mIoU).
_base_ = './deeplabv2_r18-d8_1xb8-1round_shapes-112x112_simple-baseline-1-8-st.py'
semi_data = dict(strong_transforms=[dict(type='StrongAugment', num_ops=3)])
