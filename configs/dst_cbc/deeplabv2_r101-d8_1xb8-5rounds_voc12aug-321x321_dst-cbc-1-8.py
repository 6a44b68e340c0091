# DST-CBC, PASCAL VOC 2012 aug with 1/8 of the labels (1322 labelled; split 0).
# Reproduces paper Table 3, 1/8: 70.7 mIoU on val. Same recipe as deeplabv2_r101-d8_1xb8-5rounds_voc12aug-321x321_dst-cbc-1-4.py
# (gamma 4, above 1000 labels) with a supervised stage of 30 * sqrt(8) epochs of the labelled
# images.
# Expected time (estimated from the iteration count, not measured here): ~6.5 GPU hours.
_base_ = './deeplabv2_r101-d8_1xb8-5rounds_voc12aug-321x321_dst-cbc-1-4.py'
labeled_fraction = 1 / 8
semi_data = dict(labeled_split='ImageSets/Segmentation/8_labeled_0.txt',
                 unlabeled_split='ImageSets/Segmentation/8_unlabeled_0.txt')
train_cfg = dict(sup_epochs=_base_.sup_epochs_scale * (1 / labeled_fraction)**0.5)
