# UniMatch (Yang et al., CVPR 2023) on Cityscapes as released (LiheYoung/UniMatch
# unimatch.py, configs/cityscapes.yaml): DeepLab-v3+ ResNet-101 at output stride 16
# (../../_base_/models/deeplabv3plus_r101-d16.py), crop 801, 4 GPUs x (2 labelled + 2
# unlabelled + 2 unlabelled to CutMix from), SGD lr 5e-3 for every parameter (lr_multi 1),
# momentum 0.9, wd 1e-4, poly 0.9, threshold 0 (every pseudo label counts), OHEM cross entropy
# on the labelled images (pixels under 0.7 probability, at least 200000 per GPU batch);
# validated after every epoch on the 500 val images by a sliding 801 window with stride
# int(801 * 2 / 3) = 534, the best kept. Epochs and mixing images: as ./voc12aug.py.
# Deviations: mmseg's OHEMPixelSampler keeps `min_kept` per image (100000 x 2 images = the
# release's 200000 per batch) and the loss is averaged over all labelled pixels, the release's
# over the kept ones only. mmseg's slide inference fits every window inside the image (the
# last row/column of windows shifted back: rows at 0, 223) and averages logits; the
# release's windows start at multiples of 534 and are cut at the border (rows at 0, 534),
# and it sums softmax probabilities.
_base_ = [
    '../../_base_/models/deeplabv3plus_r101-d16.py',
    '../../_base_/datasets/cityscapes_online.py', '../../_base_/schedules/unimatch.py'
]
epochs = 240
semi_data = dict(source_ratio=(_base_.batch_per_gpu, 2 * _base_.batch_per_gpu))
stride = int(_base_.crop_size[0] * 2 / 3)
ohem = dict(type='OHEMPixelSampler', thresh=0.7, min_kept=200000 // _base_.batch_per_gpu)
segmentor = dict(
    _base_.model,
    decode_head=dict(_base_.model.decode_head, num_classes=_base_.num_classes, sampler=ohem),
    test_cfg=dict(mode='slide', crop_size=_base_.crop_size, stride=(stride, stride)))
model = dict(_base_.online_segmentor, conf_thresh=0, segmentor=segmentor,
             data_preprocessor=dict(_base_.data_preprocessor, size=_base_.crop_size))
optim_wrapper = dict(optimizer=dict(lr=5e-3),
                     paramwise_cfg=dict(custom_keys={'decode_head': dict(lr_mult=1.0)}))
