# The pretraining corpus (PretrainShapesDataset, VOC layout, 11 classes, 128-192 px): other
# shapes, textures and scene statistics than the benchmark data (docs/pretrained.md).
# `python tools/pretrain_backbones.py --model r18` writes it to data/pretrain_shapes first.
_base_ = './shapes.py'
dataset_type = 'PretrainShapesDataset'
data_root = 'data/pretrain_shapes'
crop_size = (112, 112)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomResize', scale=(160, 160), ratio_range=(0.5, 1.5), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    dataset=dict(type=dataset_type, data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
test_dataloader = val_dataloader
