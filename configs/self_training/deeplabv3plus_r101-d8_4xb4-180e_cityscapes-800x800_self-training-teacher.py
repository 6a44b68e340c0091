# Zhu et al. (paper 004), Table 1 "Fine" = Table 2a "Teacher" (78.1 mIoU on Cityscapes val,
# DeepLabV3+ ResNeXt50 in the paper): the teacher, DeepLabV3+ trained on the 2975 fine
# images with OHEM cross entropy. Here mmseg's DeepLabV3+ R101-D8 (ImageNet R101-V1c), so
# expect a different absolute number. SGD lr 0.02, momentum 0.9, wd 1e-4, poly 0.9, batch
# 16 (4 GPUs x 4), 180 epochs (33469 iterations), crop 800x800, scale 0.5-2.0.
#   bash tools/dist_train.sh configs/self_training/deeplabv3plus_r101-d8_4xb4-180e_cityscapes-800x800_self-training-teacher.py 4
# Not run here (no GPU, no Cityscapes); the students read its best checkpoint.
_base_ = [
    'mmseg::_base_/models/deeplabv3plus_r50-d8.py',
    '../_base_/datasets/cityscapes_self_training.py', '../_base_/default_runtime.py',
    'mmseg::_base_/schedules/schedule_80k.py'
]
crop_size = (800, 800)
# OHEM as in mmseg's Cityscapes OHEM configs: pixels under 0.7 confidence, >= 100k per image
ohem = dict(type='OHEMPixelSampler', thresh=0.7, min_kept=100000)
data_preprocessor = dict(_base_.data_preprocessor, size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    pretrained='open-mmlab://resnet101_v1c',
    backbone=dict(depth=101),
    decode_head=dict(sampler=ohem))
real_per_epoch = 2975  # the fine train images
epochs = 180
validations = 10  # per run, each keeping the best checkpoint
gpus, batch_per_gpu = 4, 4
iters = epochs * real_per_epoch // (gpus * batch_per_gpu)
optim_wrapper = dict(optimizer=dict(lr=0.02, momentum=0.9, weight_decay=1e-4))
param_scheduler = [dict(type='PolyLR', power=0.9, eta_min=1e-4, begin=0, end=iters,
                        by_epoch=False)]
train_cfg = dict(max_iters=iters, val_interval=iters // validations)
default_hooks = dict(
    checkpoint=dict(interval=iters // validations, max_keep_ckpts=2, save_best='mIoU',
                    rule='greater'))
# Loops from an `mmseg::` base carry _scope_='mmseg' and would build mmnoisy datasets there.
val_cfg = dict(_scope_='mmnoisy')
test_cfg = dict(_scope_='mmnoisy')
