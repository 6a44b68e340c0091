# The procedural shapes data split into labelled and unlabelled images (DST-CBC lists written
# by tools/generate_demo_data.py: {4,8,20}_{labeled,unlabeled}_{0,1,2}.txt), described once:
# every loader of a semi-supervised run (the supervised stage, each round's labelled +
# pseudo-labelled batches, the pseudo-labelling pass) comes from `semi_data`, and val/test
# loaders take their dataset from its template. The unlabelled images' ground truth is read
# by the pseudo-labelling pass only, for its report, never for training.
_base_ = './shapes.py'
semi_data = dict(
    type='SemiDataSpec',
    dataset=dict(type=_base_.dataset_type, data_root=_base_.data_root,
                 data_prefix=_base_.data_prefix),
    labeled_split='ImageSets/Segmentation/20_labeled_0.txt',
    unlabeled_split='ImageSets/Segmentation/20_unlabeled_0.txt',
    train_pipeline=_base_.train_pipeline,
    test_pipeline=_base_.test_pipeline,
    source_ratio=(4, 4))
train_dataloader = None  # the supervised stage: semi_data's labelled images
# Model selection on `valtiny` (20 val images), final score on `val` (tools/test.py).
val_dataloader = dict(
    dataset=dict(_delete_=True, ann_file='ImageSets/Segmentation/valtiny.txt'))
test_dataloader = dict(dataset=dict(_delete_=True, ann_file='ImageSets/Segmentation/val.txt'))
