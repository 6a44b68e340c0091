# Cityscapes at full resolution for DeepLab-v3+ (Simple Baseline, paper 3.1: crop 769x769;
# released pipeline: random scale 0.5-2.0, flip, crop), split into labelled / unlabelled
# images (tools/make_splits.py lists), for semi-supervised training. Test: whole 2048x1024
# images through mmseg's slide inference (769 windows). Pseudo-labelling runs at full size.
_base_ = './cityscapes_half_semi.py'
crop_size = (769, 769)
full_scale = (2048, 1024)
# The half-resolution pipelines at full resolution: random scale 0.5-2.0 of 2048x1024, crop 769.
train_pipeline = [
    dict(t, scale=full_scale, ratio_range=(0.5, 2.0)) if t['type'] == 'RandomResize' else
    dict(t, crop_size=crop_size) if t['type'] == 'RandomCrop' else t
    for t in _base_.train_pipeline
]
test_pipeline = [
    dict(t, scale=full_scale) if t['type'] == 'Resize' else t for t in _base_.test_pipeline
]
semi_data = dict(train_pipeline=train_pipeline, test_pipeline=test_pipeline)
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
