# The procedural shapes data (shapes.py) trained on scribbles instead of its dense labels:
# SynthSparseLabels thins each label map to scribbles on the fly (about 6% of the labelled
# pixels, seeded per image, so every epoch sees the same scribbles); val stays dense.
# Points instead: `--cfg-options train_dataloader.dataset.pipeline.2.mode=point`.
_base_ = './shapes.py'
crop_size = (112, 112)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='SynthSparseLabels', mode='scribble', seed=0),
    dict(type='RandomResize', scale=(128, 128), ratio_range=(0.75, 1.5), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
