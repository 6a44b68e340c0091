# The baseline of study `ssvt_noisy`: the SSVT run on noisy labels with the backbone trained
# end to end (`frozen=False`; the paper's Table 4 "Tuning").
_base_ = './linear_dinov2-tiny-frozen_1xb8-0.5k_shapes-112x112_ssvt-noisy-moderate.py'
model = dict(backbone=dict(frozen=False))
