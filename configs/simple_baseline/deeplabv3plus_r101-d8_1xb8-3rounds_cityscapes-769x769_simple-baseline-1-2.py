# Simple Baseline, DeepLab-v3+ R101, Cityscapes 769, 1/2 labels (1488 labelled).
# Paper Table 4, 1/2: 78.7 mIoU on val (Xception-65; supervised 76.9).
_base_ = './deeplabv3plus_r101-d8_1xb8-3rounds_cityscapes-769x769_simple-baseline-1-8.py'
semi_data = dict(
    labeled_split='data_lists/2_labeled_0.txt',
    unlabeled_split='data_lists/2_unlabeled_0.txt')
