# Cityscapes (half resolution) split into labelled / unlabelled images (tools/make_splits.py lists), for
# semi-supervised training: `semi_dataloader` mixes 4 labelled + 4 pseudo-labelled images per
# batch, `unlabeled_dataloader` feeds the pseudo-labeller (single scale at half resolution).
_base_ = './cityscapes_half.py'
meta_keys = ('img_path', 'seg_map_path', 'ori_shape', 'img_shape', 'pad_shape',
             'scale_factor', 'flip', 'flip_direction', 'reduce_zero_label', 'source')
semi_train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomResize', scale=(1024, 512), ratio_range=(0.5, 1.0), keep_ratio=True),
    dict(type='RandomCrop', crop_size={{_base_.crop_size}}),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs', meta_keys=meta_keys),
]
labeled_dataset = dict(
    _scope_='mmnoisy',
    type={{_base_.dataset_type}},
    data_root={{_base_.data_root}},
    data_prefix=dict(img_path='leftImg8bit/train', seg_map_path='gtFine/train'),
    ann_file={{_base_.labeled_split}},
    source='labeled',
    pipeline=semi_train_pipeline)
pseudo_dataset = dict(
    _scope_='mmnoisy',
    type={{_base_.dataset_type}},
    data_root={{_base_.data_root}},
    data_prefix=dict(img_path='leftImg8bit/train'),  # labels: the round's pseudo labels
    ann_file={{_base_.unlabeled_split}},
    source='pseudo',
    pipeline=semi_train_pipeline)
semi_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=False,
    sampler=dict(type='MultiSourceSampler', batch_size=8, source_ratio=[4, 4]),
    dataset=dict(type='ConcatDataset', datasets=[labeled_dataset, pseudo_dataset]))
unlabeled_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        _scope_='mmnoisy',
        type={{_base_.dataset_type}},
        data_root={{_base_.data_root}},
        data_prefix=dict(img_path='leftImg8bit/train'),
        ann_file={{_base_.unlabeled_split}},
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='Resize', scale=(1024, 512), keep_ratio=True),
            dict(type='PackSegInputs'),
        ]))
