# Zhu et al. on the procedural shapes data, CPU scale: the fast schedule of Table 4
# ("coarse2fine+, w warm-up") on the centroid-sampling student: the first of its 6 epochs
# (50 iterations each) at the full 112 px crop, then the crop cycles 64, 80, 96, 112 px every
# epoch (the paper: 20 of 180 epochs of warm-up at 800 px, then 400 ... 800 px). The batch
# stays 8 (scale_batch=False): on a CPU a larger batch buys no speed, so the gain is the
# smaller crops at an equal number of images. The hook also sets the preprocessor's padding.
_base_ = './deeplabv2_r18-d8_1xb8-0.3k_shapes-112x112_self-training-1-8-student-7-1-cs.py'
custom_hooks = [
    dict(
        type='CropScheduleHook',
        mode='coarse2fine+',
        crop_sizes=[64, 80, 96, 112],
        warmup_epochs=1,
        epoch_iters=50)
]
