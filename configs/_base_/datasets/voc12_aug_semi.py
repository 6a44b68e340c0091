# VOC 2012 aug split into labelled / unlabelled images (tools/make_splits.py lists), for
# semi-supervised training, described once in `semi_data`: the supervised stage, each
# round's 4 labelled + 4 pseudo-labelled images per batch and the pseudo-labelling pass
# (single scale at the test size) all come from it; val/test loaders take its template.
_base_ = ['./voc12_aug.py', './semi_common.py']
semi_data = dict(
    dataset=dict(_scope_='mmnoisy', type=_base_.dataset_type, data_root=_base_.data_root,
                 data_prefix=_base_.data_prefix),
    labeled_split=_base_.labeled_split,
    unlabeled_split=_base_.unlabeled_split,
    train_pipeline=_base_.train_pipeline,
    test_pipeline=_base_.test_pipeline)
train_dataloader = None  # the supervised stage: semi_data's labelled images
val_dataloader = dict(dataset=dict(_delete_=True, ann_file=_base_.valtiny_split))
test_dataloader = dict(
    dataset=dict(_delete_=True, ann_file='ImageSets/Segmentation/val.txt'))
