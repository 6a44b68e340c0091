# UniMatch V2's Cityscapes data and schedule (LiheYoung/UniMatch-V2 configs/cityscapes.yaml):
# UniMatch's splits and geometry (../../_base_/datasets/cityscapes_online.py) with a 798 crop,
# 4 GPUs x (2 labelled + 2 unlabelled images), 180 epochs of the unlabelled loader
# (./cityscapes-<labels>.py count them), OHEM cross entropy on the labelled images (under 0.7
# probability, at least 200000 pixels per GPU batch: mmseg's sampler counts per image, so
# 100000 x 2; the loss is averaged over all labelled pixels, the release's over the kept
# ones), 19 classes; student and EMA teacher validated after every epoch on the 500 val
# images by a sliding 798 window with stride int(798 * 2 / 3) = 532, on the unpadded image
# (the same windows as the release: rows 0, 226; columns 0, 532, 1064, 1250; mmseg averages
# logits, the release sums softmax probabilities).
_base_ = '../../_base_/datasets/cityscapes_online.py'
gpus = 4
batch_per_gpu = 2  # configs/cityscapes.yaml batch_size, per GPU
epochs = 180
crop_size = (798, 798)
train_pipeline = [
    dict(t, crop_size=crop_size) if t['type'] == 'RandomCrop' else t
    for t in _base_.train_pipeline
]
semi_data = dict(source_ratio=(batch_per_gpu, batch_per_gpu), train_pipeline=train_pipeline)
stride = int(crop_size[0] * 2 / 3)
model_overrides = dict(
    segmentor=dict(
        decode_head=dict(num_classes=_base_.num_classes,
                         sampler=dict(type='OHEMPixelSampler', thresh=0.7,
                                      min_kept=200000 // batch_per_gpu)),
        test_cfg=dict(mode='slide', crop_size=crop_size, stride=(stride, stride))),
    data_preprocessor=dict(size=crop_size, test_cfg=None))
