# DST-CBC, PASCAL VOC 2012 aug with 1/50 of the labels (211 labelled; split 0).
# Reproduces paper Table 3, 1/50: 65.5 mIoU on val. Same recipe as deeplabv2_r101-d8_1xb8-5rounds_voc12aug-321x321_dst-cbc-1-20.py
# (gamma 9) with a supervised stage of 30 * sqrt(50) epochs of the labelled images.
# Expected time (estimated from the iteration count, not measured here): ~6 GPU hours.
_base_ = './deeplabv2_r101-d8_1xb8-5rounds_voc12aug-321x321_dst-cbc-1-20.py'
labeled_fraction = 1 / 50
semi_data = dict(labeled_split='ImageSets/Segmentation/50_labeled_0.txt',
                 unlabeled_split='ImageSets/Segmentation/50_unlabeled_0.txt')
train_cfg = dict(sup_epochs=_base_.sup_epochs_scale * (1 / labeled_fraction)**0.5)
