# UniMatch (Yang et al., CVPR 2023) on VOC 2012 aug as released (LiheYoung/UniMatch
# unimatch.py, configs/pascal.yaml): DeepLab-v3+ ResNet-101 at output stride 16
# (../../_base_/models/deeplabv3plus_r101-d16.py, which lists how it differs from the
# release's), crop 321, 4 GPUs x (2 labelled + 2 unlabelled images, and 2 more unlabelled
# ones to CutMix from: `source_ratio=(2, 4)`), SGD lr 1e-3 (head x10), momentum 0.9, wd 1e-4,
# poly 0.9, threshold 0.95, loss (x + s1/4 + s2/4 + fp/2) / 2; validated on the 1449 val
# images (whole image) after every epoch, the best kept, as released.
# Epochs count the release's way: the unlabelled loader's batches, len = ceil(N_u / gpus) //
# batch_per_gpu (DistributedSampler, drop_last); leaves set max_iters = epochs x that from
# their split's N_u. The release's mixing images come from a second iterator over the same
# unlabelled loader; here they are 2 more unlabelled images of the batch (see
# UniMatchSegmentor), so the sampler passes over the unlabelled images twice per epoch.
_base_ = [
    '../../_base_/models/deeplabv3plus_r101-d16.py',
    '../../_base_/datasets/voc12_aug_online.py', '../../_base_/schedules/unimatch.py'
]
epochs = 80
semi_data = dict(source_ratio=(_base_.batch_per_gpu, 2 * _base_.batch_per_gpu))
model = dict(_base_.online_segmentor, segmentor=_base_.model,
             data_preprocessor=dict(_base_.data_preprocessor, size=_base_.crop_size))
