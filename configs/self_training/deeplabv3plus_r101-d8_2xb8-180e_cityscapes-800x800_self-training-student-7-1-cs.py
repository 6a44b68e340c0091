# Zhu et al. (paper 004), Table 2a, student 1.5K real : 10.5K pseudo, "w CS": 80.0 mIoU on
# Cityscapes val (ResNeXt50 in the paper; mmseg DeepLabV3+ R101 here). The teacher's hard
# (argmax) pseudo labels on the Cityscapes coarse + Mapillary images; a fresh student of the
# same architecture (any `model` works: the teacher is built from train_cfg.teacher) trains on
# 1 real + 7 pseudo-labelled images per GPU batch of 8 (2 GPUs), both sources drawn
# class-uniformly from 1024 px tile centroids (half of each sampler epoch), OHEM cross entropy
# over the whole batch. An epoch = 1.5K real + 10.5K pseudo draws (the paper's accounting);
# 180 epochs.
#   bash tools/dist_train.sh configs/self_training/deeplabv3plus_r101-d8_2xb8-180e_cityscapes-800x800_self-training-student-7-1-cs.py 2 \
#     --cfg-options train_cfg.teacher.checkpoint=work_dirs/<teacher>/best_mIoU_iter_*.pth
_base_ = './deeplabv3plus_r101-d8_4xb4-180e_cityscapes-800x800_self-training-teacher.py'
model = dict(
    _delete_=True,
    type='SemiSupervisedSegmentor',
    data_preprocessor=_base_.data_preprocessor,
    segmentor=_base_.model,  # its OHEM sampler weights both losses
    sup_loss=dict(type='CrossEntropyLoss', avg_non_ignore=True),
    normalization='whole_batch')
real_per_epoch = 1488  # the paper's "1.5K" real labels per epoch
gpus = 2
val_epochs = _base_.epochs // _base_.validations
semi_data = dict(
    source_ratio=(1, 7),  # real : pseudo-labelled images per GPU batch of 8
    source_samplers=dict(type='ClassUniformSampler', class_uniform_pct=0.5, tile_size=1024))
# An epoch is real_per_epoch real images, source_ratio[0] per GPU batch.
epoch_iters = real_per_epoch // (semi_data['source_ratio'][0] * gpus)
param_scheduler = [dict(type='PolyLR', power=0.9, eta_min=1e-4, by_epoch=False)]
train_dataloader = None  # the labelled images of semi_data (the supervised stage is skipped)
train_cfg = dict(
    _delete_=True,
    type='SelfTrainingLoop',
    sup_iters=0,
    ratios=[1.0],  # one teacher -> student round, every pixel labelled (hard labels)
    round_iters=_base_.epochs * epoch_iters,
    val_interval=val_epochs * epoch_iters,
    pseudo_labeler=dict(type='PseudoLabeler', rule='argmax'),
    teacher=dict(model=_base_.model, checkpoint=None))  # set: the teacher's best checkpoint
default_hooks = dict(checkpoint=dict(interval=val_epochs * epoch_iters))
