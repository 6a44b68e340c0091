# Cityscapes at full resolution for DeepLab-v3+ (Simple Baseline, paper 3.1: crop 769x769;
# released pipeline: random scale 0.5-2.0, flip, crop), split into labelled / unlabelled
# images (tools/make_splits.py lists), for semi-supervised training. Test: whole 2048x1024
# images through mmseg's slide inference (769 windows). Pseudo-labelling runs at full size.
_base_ = './cityscapes_half_semi.py'
crop_size = (769, 769)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomResize', scale=(2048, 1024), ratio_range=(0.5, 2.0), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 1024), keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
semi_data = dict(train_pipeline=train_pipeline, test_pipeline=test_pipeline)
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
