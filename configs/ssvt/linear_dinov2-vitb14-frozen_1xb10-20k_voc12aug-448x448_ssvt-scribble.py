# SSVT (paper 003, "self-supervised vision transformers for imperfect labels"), scribbles.
# Reproduces Table 1, Scribble, Ours: 80.1 mIoU on VOC 2012 val (TEL baseline 77.6).
# Frozen DINOv2 ViT-B/14 + linear probe; SGD lr 1e-3, batch 10, 20k iterations, crop 448, flip,
# colour jitter. Labels: VOC2012/SegmentationScribble (ScribbleSup, 255 = unlabelled).
# The other SSVT configs inherit this one and change the labels, backbone or freezing.
_base_ = [
    '../_base_/models/dinov2_vitb14_bn-linear.py', '../_base_/datasets/voc12_aug_ssvt.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_20k.py'
]
crop_size = (448, 448)
model = dict(data_preprocessor=dict(size=crop_size))
# Only the head is optimised: the frozen backbone's parameters stay out of the optimizer.
optim_wrapper = dict(
    type='OptimWrapper',
    constructor='TrainableOptimWrapperConstructor',
    optimizer=dict(type='SGD', lr=1e-3, momentum=0.9, weight_decay=0.0),
    clip_grad=None)
param_scheduler = [
    dict(type='PolyLR', eta_min=0.0, power=0.9, begin=0, end=20000, by_epoch=False)
]
train_dataloader = dict(
    dataset=dict(data_prefix=dict(seg_map_path='SegmentationScribble')))
