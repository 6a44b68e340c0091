# Simple Baseline, DeepLab-v3+ R101, Cityscapes 769, 1/2 labels (1488 labelled).
# Paper Table 4, 1/2: 78.7 mIoU on val (Xception-65; supervised 76.9).
_base_ = './deeplabv3plus_r101-d8_cityscapes-769_1-8.py'
labeled_split = 'data_lists/2_labeled_0.txt'
unlabeled_split = 'data_lists/2_unlabeled_0.txt'
train_dataloader = dict(dataset=dict(ann_file=labeled_split))
train_cfg = dict(
    semi_dataloader=dict(dataset=dict(datasets=[
        dict(_base_.labeled_dataset, ann_file=labeled_split),
        dict(_base_.pseudo_dataset, ann_file=unlabeled_split, pipeline=_base_.strong_pipeline),
    ])),
    unlabeled_dataloader=dict(dataset=dict(ann_file=unlabeled_split)))
