# DST-CBC, PASCAL VOC 2012 aug with 1/4 of the labels (2645 labelled; split 0).
# Reproduces paper Table 3, 1/4: 71.8 mIoU on val. Same recipe as deeplabv2_r101-d8_1xb8-5rounds_voc12aug-321x321_dst-cbc-1-20.py with
# gamma 4 (above 1000 labels, paper 4.2) and a supervised stage of 30 * sqrt(4) epochs of the
# labelled images.
# Expected time (estimated from the iteration count, not measured here): ~7 GPU hours.
_base_ = './deeplabv2_r101-d8_1xb8-5rounds_voc12aug-321x321_dst-cbc-1-20.py'
labeled_fraction = 1 / 4
semi_data = dict(labeled_split='ImageSets/Segmentation/4_labeled_0.txt',
                 unlabeled_split='ImageSets/Segmentation/4_unlabeled_0.txt')
model = dict(unsup_loss=dict(gamma=4))
train_cfg = dict(sup_epochs=_base_.sup_epochs_scale * (1 / labeled_fraction)**0.5)
