# The reference of study `ssvt_noisy`: the SSVT run on noisy labels with a random frozen ViT.
_base_ = './linear_dinov2-tiny-frozen_1xb8-0.5k_shapes-112x112_ssvt-noisy-moderate.py'
model = dict(backbone=dict(init_cfg=None))
