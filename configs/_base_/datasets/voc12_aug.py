# PASCAL VOC 2012 + SBD (trainaug, 10582 images; SegmentationClassAug labels), DST-CBC style.
# Layout: data/VOCdevkit/VOC2012/{JPEGImages,SegmentationClassAug,ImageSets/Segmentation}.
# Split lists: `python tools/make_splits.py .../ImageSets/Segmentation/trainaug.txt
#   --out-dir .../ImageSets/Segmentation --preset voc` writes {d}_labeled_{k}.txt and
# {d}_unlabeled_{k}.txt; `labeled_split`/`unlabeled_split` pick one (the semi-supervised
# configs read both). Train: random square resize 321..505, crop 321, flip (DST-CBC's
# sizes_voc); test: resized to 505x505, predictions scored at the original size.
_base_ = 'mmseg::_base_/datasets/pascal_voc12.py'
dataset_type = 'PascalVOCSplitDataset'
data_root = 'data/VOCdevkit/VOC2012'
crop_size = (321, 321)
labeled_split = 'ImageSets/Segmentation/20_labeled_0.txt'
unlabeled_split = 'ImageSets/Segmentation/20_unlabeled_0.txt'
valtiny_split = '{{fileDirname}}/splits/voc12/valtiny.txt'
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomResize', scale=(505, 505), ratio_range=(321 / 505, 1.0),
         keep_ratio=False),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(505, 505), keep_ratio=False),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
data_prefix = dict(img_path='JPEGImages', seg_map_path='SegmentationClassAug')
train_dataloader = dict(
    batch_size=8,
    dataset=dict(
        _scope_='mmnoisy',
        type=dataset_type,
        data_root=data_root,
        data_prefix=data_prefix,
        ann_file=labeled_split,
        pipeline=train_pipeline))
# Validation and test: the same dataset, val images (valtiny selects models; val scores).
val_dataloader = dict(
    dataset=dict(train_dataloader['dataset'], ann_file=valtiny_split, pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(val_dataloader['dataset'],
                                    ann_file='ImageSets/Segmentation/val.txt'))
