# Baseline for the ADELE demo: plain cross-entropy on the same noisy labels, same schedule.
# The hook only records and plots the curves (IoU_el / IoU_m memorization curves), no
# correction, and the segmentor runs one forward (no consistency). See docs/adele.md.
_base_ = './deeplabv2_r18-d8_1xb8-12e_shapes-112x112_adele-noisy-moderate.py'
# No MultiScaleConsistencyLoss in loss_decode: one forward, the base model's cross entropy.
model = dict(decode_head=dict(loss_decode=dict(
    _delete_=True, type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)))
custom_hooks = [dict(type='AdaptiveLabelCorrectionHook', interval=12, correct=False)]
