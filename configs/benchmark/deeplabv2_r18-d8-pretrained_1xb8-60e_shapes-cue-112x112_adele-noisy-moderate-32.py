# ADELE as released (multi-scale consistency, per-class triggers, temperature 3, no CRF) on
# the data and schedule of its baseline
# `deeplabv2_r18-d8-pretrained_1xb8-60e_shapes-cue-112x112_noisy-moderate-32.py`, from the
# ResNet-18 pretrained on the procedural corpus. `custom_hooks.0.correct=False` is the
# consistency term alone; `custom_hooks.0.class_constraint=False` lets corrections change
# an object's class (docs/adele.md, "Which noise ADELE corrects").
_base_ = '../demo/deeplabv2_r18-d8_1xb8-60e_shapes-cue-112x112_adele-noisy-moderate-32.py'
pretrained = 'checkpoints/pretrained/deeplabv2-r18-d8_pretrain-shapes.pth'
model = dict(
    backbone=dict(init_cfg=dict(_delete_=True, type='Pretrained', checkpoint=pretrained)))
