# Zhu et al. (paper 004), Table 4, coarse2fine+ with crop warm-up: 80.0 mIoU on Cityscapes val
# (fixed 800 crop: 80.0; 1.7x faster for coarse2fine+). The 7:1 centroid-sampling student;
# 20 epochs at 800x800, then crops of 400..800 px (coarse2fine+: a new size every epoch), with
# batches up to 4x larger at smaller crops (16 -> 64 images at 400 px, as in the paper).
# The loop's length counts the same 180 epochs of images in fewer, larger batches.
_base_ = './deeplabv3plus_r101-d8_2xb8-180e_cityscapes-800x800_self-training-student-7-1-cs.py'
sizes = [400, 480, 560, 640, 720, 800]
custom_hooks = [
    dict(
        type='CropScheduleHook',
        mode='coarse2fine+',
        crop_sizes=sizes,
        warmup_epochs=20,
        epochs_per_size=30,
        epoch_iters=_base_.epoch_iters,
        scale_batch=True)
]
# The loop's length, from the hook's schedule: 20 warm-up epochs of 744 iterations, then 160
# epochs cycling 400 ... 800 px, an epoch at crop s taking 744 // (800**2 // s**2) iterations
# (the batch factor): 186 at 400 px, 372 at 480 and 560 px, 744 from 640 px.
# 180 epochs of the schedule, larger batches at smaller crops: the hook's schedule_iters(180),
# checked by tests/engine/test_crop_schedule_hook.py
round_iters = 98766
train_cfg = dict(round_iters=round_iters, val_interval=round_iters // _base_.validations)
default_hooks = dict(checkpoint=dict(interval=round_iters // _base_.validations))
