# Cityscapes at half resolution (1024x512), as in DST-CBC: train random resize 0.5..1.0 of
# 1024x512, crop 257x513, flip; test at 1024x512, scored at full resolution.
# Layout: data/cityscapes/{leftImg8bit,gtFine}/{train,val}/<city>/ (labelTrainIds PNGs from
# mmseg's tools/dataset_converters/cityscapes.py) and split lists of `city/city_x_y` ids in
# data/cityscapes/data_lists/ (`tools/make_splits.py ... --preset cityscapes`).
_base_ = 'mmseg::_base_/datasets/cityscapes.py'
dataset_type = 'CityscapesSplitDataset'
data_root = 'data/cityscapes/'
crop_size = (257, 513)
num_classes = 19
labeled_split = 'data_lists/8_labeled_0.txt'
unlabeled_split = 'data_lists/8_unlabeled_0.txt'
valtiny_split = '{{fileDirname}}/splits/cityscapes/valtiny.txt'
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomResize', scale=(1024, 512), ratio_range=(0.5, 1.0), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(1024, 512), keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    batch_size=8,
    dataset=dict(
        _scope_='mmnoisy',
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(img_path='leftImg8bit/train', seg_map_path='gtFine/train'),
        ann_file=labeled_split,
        pipeline=train_pipeline))
# Validation and test: the same dataset, val images (valtiny selects models; val scores).
val_dataloader = dict(
    dataset=dict(train_dataloader['dataset'], ann_file=valtiny_split, pipeline=test_pipeline,
                 data_prefix=dict(img_path='leftImg8bit/val', seg_map_path='gtFine/val')))
test_dataloader = dict(dataset=dict(val_dataloader['dataset'], ann_file='data_lists/val.txt'))
