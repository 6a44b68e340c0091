# DST-CBC, PASCAL VOC 2012 aug with 1/106 of the labels (100 labelled; split 0).
# Reproduces paper Table 3, 1/106: 61.6 [59.2 with valtiny selection] mIoU on val. Same recipe
# as deeplabv2_r101-d8_1xb8-5rounds_voc12aug-321x321_dst-cbc-1-20.py (gamma 9) with a supervised stage of 30 * sqrt(106) epochs of the labelled
# images.
# Expected time (estimated from the iteration count, not measured here): ~6 GPU hours.
_base_ = './deeplabv2_r101-d8_1xb8-5rounds_voc12aug-321x321_dst-cbc-1-20.py'
labeled_fraction = 1 / 105.82
semi_data = dict(labeled_split='ImageSets/Segmentation/106_labeled_0.txt',
                 unlabeled_split='ImageSets/Segmentation/106_unlabeled_0.txt')
train_cfg = dict(sup_epochs=_base_.sup_epochs_scale * (1 / labeled_fraction)**0.5)
