# Demo: the small DeepLab-v2 trained from scratch on the procedural shapes data, on CPU.
# `python tools/generate_demo_data.py && python tools/train.py configs/demo/deeplabv2_r18-d8_1xb8-1.2k_shapes-112x112.py`
# trains 1200 iterations (batch 8), validates at the end (per-class IoU table and mIoU), saves
# the checkpoint and painted predictions (work_dirs/.../vis_data/vis_image/).
# Measured on 2 CPU cores: see README ("Demo").
_base_ = [
    '../_base_/models/deeplabv2_r18-d8.py', '../_base_/datasets/shapes.py',
    '../_base_/default_runtime.py'
]
crop_size = (112, 112)
model = dict(data_preprocessor=dict(size=crop_size))
max_iters = 1200
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, begin=0, end=50, by_epoch=False),
    dict(type='PolyLR', power=0.9, eta_min=1e-4, begin=50, end=max_iters, by_epoch=False),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=400, max_keep_ckpts=2,
                    save_best='mIoU'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    # Paint every 40th validation prediction next to its image.
    visualization=dict(type='SegVisualizationHook', draw=True, interval=40))
randomness = dict(seed=0)
env_cfg = dict(cudnn_benchmark=False)
