# Zhu et al. (paper 004), Table 2a, student 1.5K real : 7.5K pseudo, "w CS": 79.9 mIoU on
# Cityscapes val.
# As the 7:1 student, with 5 pseudo-labelled images per real one in every batch.
# A batch of 6 per GPU (1 real + 5 pseudo): the ratio is per batch here, per epoch in the paper.
_base_ = './deeplabv3plus_r101-d8_2xb8-180e_cityscapes-800x800_student-7-1_cs.py'
ratio = 5
batch = 6 * 2
epoch_iters = 1488 * (1 + ratio) // batch
train_cfg = dict(
    round_iters=180 * epoch_iters,
    val_interval=18 * epoch_iters,
    semi_dataloader=dict(
        batch_size=6, sampler=dict(batch_size=6, source_ratio=[1, 5])))
default_hooks = dict(checkpoint=dict(interval=18 * epoch_iters))
