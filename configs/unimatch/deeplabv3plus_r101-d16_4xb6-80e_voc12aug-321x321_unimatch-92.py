# UniMatch (Yang et al., CVPR 2023: weak-to-strong consistency with two CutMixed strong views
# and a channel-dropout perturbation of the weak view's features), VOC 2012 aug with 92 labelled
# images (UniMatch's splits/pascal/92: 92 labelled VOC train images, 10490 unlabelled train_aug
# images).
# Reproduces the UniMatch README's Pascal VOC 2012 table (ResNet-101, crop 321): 75.2 mIoU on
# val.
# Released recipe (LiheYoung/UniMatch unimatch.py, configs/pascal.yaml): ./_base_/voc12aug.py.
# Schedule: max_iters 104880 = 80 epochs x 1311 iterations (ceil(10490 / 4 GPUs) // 2 per GPU,
# the release's unlabelled loader); validated every epoch, the best kept.
# Deviations from the release: mmseg's ResNetV1c-101 (open-mmlab ImageNet weights) and
# depthwise-separable DeepLab-v3+ head for the release's deep-stem ResNet-101 and plain head;
# padding after normalisation; mixing images from the same batch; resize bound 500 px (details:
# ./_base_/voc12aug.py and the bases it names).
#   bash tools/dist_train.sh configs/unimatch/deeplabv3plus_r101-d16_4xb6-80e_voc12aug-321x321_unimatch-92.py 4
# Not run here (no GPU, no data).
_base_ = './_base_/voc12aug.py'
num_unlabeled = 10490  # ids in splits/voc12/unimatch/92_unlabeled.txt
iters_per_epoch = -(-num_unlabeled // _base_.gpus) // _base_.batch_per_gpu
semi_data = dict(labeled_split=_base_.unimatch_splits + '/92_labeled.txt',
                 unlabeled_split=_base_.unimatch_splits + '/92_unlabeled.txt')
train_cfg = dict(max_iters=_base_.epochs * iters_per_epoch, val_interval=iters_per_epoch)
