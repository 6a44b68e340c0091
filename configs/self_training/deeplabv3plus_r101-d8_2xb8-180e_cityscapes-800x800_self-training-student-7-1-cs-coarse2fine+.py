# Zhu et al. (paper 004), Table 4, coarse2fine+ with crop warm-up: 80.0 mIoU on Cityscapes val
# (fixed 800 crop: 80.0; 1.7x faster for coarse2fine+). The 7:1 centroid-sampling student;
# 20 epochs at 800x800, then crops of 400..800 px (coarse2fine+: a new size every epoch), with
# batches up to 4x larger at smaller crops (16 -> 64 images at 400 px, as in the paper).
# The loop's length counts the same 180 epochs of images in fewer, larger batches.
_base_ = './deeplabv3plus_r101-d8_2xb8-180e_cityscapes-800x800_self-training-student-7-1-cs.py'
sizes = [400, 480, 560, 640, 720, 800]
epoch_iters = 1488 * (1 + 7) // 16  # iterations of one epoch at batch 16
# crop of each epoch after the warm-up, and the iterations it takes at its batch factor
schedule = [sizes[e % 6] for e in range(160)]
iters = 20 * epoch_iters + sum(epoch_iters // (800**2 // s**2) for s in schedule)
custom_hooks = [
    dict(
        type='CropScheduleHook',
        mode='coarse2fine+',
        crop_sizes=sizes,
        warmup_epochs=20,
        epochs_per_size=30,
        epoch_iters=epoch_iters,
        scale_batch=True)
]
train_cfg = dict(round_iters=iters, val_interval=iters // 10)
default_hooks = dict(checkpoint=dict(interval=iters // 10))
