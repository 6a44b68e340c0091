# SSVT with DINOv2's "ms" probe head: the last 4 blocks (8-11) concatenated (4 x 768 channels),
# BN, 1x1 conv. No paper number (the paper trains the linear head: 71.2 on SEAM labels).
_base_ = './linear_dinov2-vitb14-frozen_1xb10-20k_voc12aug-448x448_ssvt-seam.py'
model = dict(
    backbone=dict(out_indices=(8, 9, 10, 11)),
    decode_head=dict(
        in_channels=[768] * 4, in_index=[0, 1, 2, 3], input_transform='resize_concat'))
