# Zhu et al. (paper 004), Table 2a, student 1.5K real : 1.5K pseudo, "w CS": 79.3 mIoU on
# Cityscapes val.
# As the 7:1 student, with 1 pseudo-labelled image per real one in every batch (4 + 4 per GPU).
_base_ = './deeplabv3plus_r101-d8_2xb8-180e_cityscapes-800x800_self-training-student-7-1-cs.py'
semi_data = dict(source_ratio=(4, 4))
# An epoch is real_per_epoch real images, source_ratio[0] of them per GPU batch.
round_iters = _base_.epochs * _base_.real_per_epoch // (semi_data['source_ratio'][0] * _base_.gpus)
train_cfg = dict(round_iters=round_iters, val_interval=round_iters // _base_.validations)
default_hooks = dict(checkpoint=dict(interval=round_iters // _base_.validations))
