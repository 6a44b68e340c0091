# Simple Baseline ablation (Table 6 row 3: 62.2 mIoU), DeepLab-v2 R101, Cityscapes 1/8: as
# "s.t.", with the 17-op strong augmentation (3 ops) on the pseudo-labelled images. mmnoisy
# applies it after the shared geometric transforms (the released code: before them).
_base_ = './deeplabv2_r101-d8_1xb8-1round_cityscapes-257x513_simple-baseline-1-8-st.py'
semi_data = dict(strong_transforms=[dict(type='StrongAugment', num_ops=3)])
