# The procedural shapes data split into labelled and unlabelled images (DST-CBC lists written
# by tools/generate_demo_data.py: {4,8,20}_{labeled,unlabeled}_{0,1,2}.txt), for
# semi-supervised training. `semi_dataloader` mixes labelled and pseudo-labelled images in
# every batch (MultiSourceSampler); `unlabeled_dataloader` feeds the pseudo-labeller (its
# LoadAnnotations reads ground truth for the pseudo-label report only, never for training).
_base_ = './shapes.py'
labeled_split = 'ImageSets/Segmentation/20_labeled_0.txt'
unlabeled_split = 'ImageSets/Segmentation/20_unlabeled_0.txt'
meta_keys = ('img_path', 'seg_map_path', 'ori_shape', 'img_shape', 'pad_shape',
             'scale_factor', 'flip', 'flip_direction', 'reduce_zero_label', 'source')
semi_train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomResize', scale=(128, 128), ratio_range=(0.75, 1.5), keep_ratio=True),
    dict(type='RandomCrop', crop_size={{_base_.crop_size}}),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs', meta_keys=meta_keys),
]
labeled_dataset = dict(
    type={{_base_.dataset_type}},
    data_root={{_base_.data_root}},
    data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClass'),
    ann_file=labeled_split,
    source='labeled',
    pipeline=semi_train_pipeline)
# Its labels come from the round's pseudo-label folder (set by SelfTrainingLoop).
pseudo_dataset = dict(
    type={{_base_.dataset_type}},
    data_root={{_base_.data_root}},
    data_prefix=dict(img_path='JPEGImages'),
    ann_file=unlabeled_split,
    source='pseudo',
    pipeline=semi_train_pipeline)
semi_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=False,
    sampler=dict(type='MultiSourceSampler', batch_size=8, source_ratio=[4, 4]),
    dataset=dict(type='ConcatDataset', datasets=[labeled_dataset, pseudo_dataset]))
# In-process loading: on few cores, loader workers would compete with inference.
unlabeled_dataloader = dict(
    batch_size=1,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type={{_base_.dataset_type}},
        data_root={{_base_.data_root}},
        data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClass'),
        ann_file=unlabeled_split,
        pipeline={{_base_.test_pipeline}}))
# Supervised stage: the labelled images only.
train_dataloader = dict(dataset=dict(ann_file=labeled_split))
# Model selection on `valtiny` (20 val images), final score on `val` (tools/test.py).
val_dataloader = dict(dataset=dict(ann_file='ImageSets/Segmentation/valtiny.txt'))
test_dataloader = dict(dataset=dict(ann_file='ImageSets/Segmentation/val.txt'))
