# DST-CBC, Cityscapes at half resolution with 1/30 of the labels (100 labelled; split 0).
# Reproduces paper Table 4, 1/30: 48.7 [48.2 with valtiny selection] mIoU on val. Same recipe
# as deeplabv2_r101-d8_1xb8-5rounds_cityscapes-257x513_dst-cbc-1-8.py with a supervised stage of 30 * sqrt(29.75) epochs of the labelled images.
# Expected time (estimated from the iteration count, not measured here): ~2.5 GPU hours.
_base_ = './deeplabv2_r101-d8_1xb8-5rounds_cityscapes-257x513_dst-cbc-1-8.py'
labeled_fraction = 1 / 29.75
semi_data = dict(labeled_split='data_lists/30_labeled_0.txt',
                 unlabeled_split='data_lists/30_unlabeled_0.txt')
train_cfg = dict(sup_epochs=_base_.sup_epochs_scale * (1 / labeled_fraction)**0.5)
