# Simple Baseline ablation (Table 6 row 3: 62.2 mIoU), DeepLab-v2 R101, Cityscapes 1/8: as
# "s.t.", with the 17-op strong augmentation (3 ops) on the pseudo-labelled images. mmnoisy
# applies it after the shared geometric transforms (the released code: before them).
_base_ = './deeplabv2_r101-d8_cityscapes_1-8_st.py'
semi_data = dict(strong_transforms=[dict(type='StrongAugment', num_ops=3)])
