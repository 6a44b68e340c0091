# UniMatch (Yang et al., CVPR 2023: weak-to-strong consistency with two CutMixed strong views
# and a channel-dropout perturbation of the weak view's features), Cityscapes with 1/2 of the
# labels (UniMatch's splits/cityscapes/1_2: 1488 labelled, 1487 unlabelled train images).
# Reproduces the UniMatch README's Cityscapes table (ResNet-101 column): 79.5 mIoU on val.
# Released recipe (LiheYoung/UniMatch unimatch.py, configs/cityscapes.yaml):
# ./_base_/cityscapes.py. Schedule: max_iters 44640 = 240 epochs x 186 iterations (ceil(1487 / 4
# GPUs) // 2 per GPU, the release's unlabelled loader); validated every epoch, the best kept.
# Deviations from the release: mmseg's ResNetV1c-101 (open-mmlab ImageNet weights) and
# depthwise-separable DeepLab-v3+ head for the release's deep-stem ResNet-101 and plain head;
# padding after normalisation; mixing images from the same batch; OHEM loss averaged over all
# labelled pixels; slide windows kept inside the image (details: ./_base_/cityscapes.py and the
# bases it names).
#   bash tools/dist_train.sh configs/unimatch/deeplabv3plus_r101-d16_4xb6-240e_cityscapes-801x801_unimatch-1-2.py 4
# Not run here (no GPU, no data).
_base_ = './_base_/cityscapes.py'
num_unlabeled = 1487  # ids in splits/cityscapes/unimatch/1_2_unlabeled.txt
iters_per_epoch = -(-num_unlabeled // _base_.gpus) // _base_.batch_per_gpu
semi_data = dict(labeled_split=_base_.unimatch_splits + '/1_2_labeled.txt',
                 unlabeled_split=_base_.unimatch_splits + '/1_2_unlabeled.txt')
train_cfg = dict(max_iters=_base_.epochs * iters_per_epoch, val_interval=iters_per_epoch)
