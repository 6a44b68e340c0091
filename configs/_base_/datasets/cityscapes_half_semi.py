# Cityscapes (half resolution) split into labelled / unlabelled images (tools/make_splits.py
# lists), for semi-supervised training, described once in `semi_data`: the supervised stage,
# each round's 4 labelled + 4 pseudo-labelled images per batch and the pseudo-labelling pass
# (single scale at half resolution) all come from it; val/test loaders take its template.
_base_ = ['./cityscapes_half.py', './semi_common.py']
val_prefix = dict(img_path='leftImg8bit/val', seg_map_path='gtFine/val')
semi_data = dict(
    dataset=dict(_scope_='mmnoisy', type=_base_.dataset_type, data_root=_base_.data_root,
                 data_prefix=dict(img_path='leftImg8bit/train', seg_map_path='gtFine/train')),
    labeled_split=_base_.labeled_split,
    unlabeled_split=_base_.unlabeled_split,
    train_pipeline=_base_.train_pipeline,
    test_pipeline=_base_.test_pipeline)
train_dataloader = None  # the supervised stage: semi_data's labelled images
val_dataloader = dict(
    dataset=dict(_delete_=True, ann_file=_base_.valtiny_split, data_prefix=val_prefix))
test_dataloader = dict(
    dataset=dict(_delete_=True, ann_file='data_lists/val.txt', data_prefix=val_prefix))
