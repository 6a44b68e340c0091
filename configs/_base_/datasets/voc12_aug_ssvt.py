# PASCAL VOC 2012 + SBD trainaug (10582 images) with imperfect labels, SSVT's recipe (paper 003):
# batch 10, random crop 448, flip, colour jitter. The training labels are read from
# `train_dataloader.dataset.data_prefix.seg_map_path` (under VOC2012/), one PNG per image
# id, 255 = unlabelled:
#   SegmentationScribble  ScribbleSup scribbles (or `tools/synth_sparse_labels.py --mode scribble`)
#   SegmentationPoint     point labels (or `tools/synth_sparse_labels.py --mode point`)
#   PseudoLabels/SEAM     SEAM's pseudo labels (its `out_rw` PNGs)
#   PseudoLabels/EPS      EPS's pseudo labels
# Validation uses the clean SegmentationClassAug labels of val (1449 images).
_base_ = 'mmseg::_base_/datasets/pascal_voc12.py'
dataset_type = 'PascalVOCSplitDataset'
data_root = 'data/VOCdevkit/VOC2012'
crop_size = (448, 448)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomResize', scale=(2048, 448), ratio_range=(0.5, 2.0), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 448), keep_ratio=True),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    batch_size=10,
    num_workers=4,
    dataset=dict(
        _scope_='mmnoisy',
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationScribble'),
        ann_file='ImageSets/Segmentation/trainaug.txt',
        pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(
    train_dataloader['dataset'],
    data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClassAug'),
    ann_file='ImageSets/Segmentation/val.txt',
    pipeline=test_pipeline))
test_dataloader = val_dataloader
