# Zhu et al. (paper 004), Table 2a, student 1.5K real : 7.5K pseudo, "w CS": 79.9 mIoU on
# Cityscapes val.
# As the 7:1 student, with 5 pseudo-labelled images per real one in every batch.
# A batch of 6 per GPU (1 real + 5 pseudo): the ratio is per batch here, per epoch in the paper.
_base_ = './deeplabv3plus_r101-d8_2xb8-180e_cityscapes-800x800_self-training-student-7-1-cs.py'
ratio = 5
batch_per_gpu = 6
epoch_iters = _base_.real_per_epoch * (1 + ratio) // (_base_.gpus * batch_per_gpu)
semi_data = dict(
    source_ratio=(batch_per_gpu // (1 + ratio), batch_per_gpu * ratio // (1 + ratio)))
train_cfg = dict(round_iters=180 * epoch_iters, val_interval=18 * epoch_iters)
default_hooks = dict(checkpoint=dict(interval=18 * epoch_iters))
