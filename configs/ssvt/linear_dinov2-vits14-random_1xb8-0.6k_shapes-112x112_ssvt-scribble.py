# Demo of the SSVT pipeline on CPU: procedural shapes data (`python tools/generate_demo_data.py`)
# with scribbles synthesised on the fly from the dense labels (SynthSparseLabels, seeded per
# image), a frozen DINOv2 ViT-S/14 and the linear probe. No paper number: the backbone is
# randomly initialised (no pretrained weights here), so this only shows the pipeline; with
# checkpoints/dinov2_vits14_pretrain.pth set as init_cfg it becomes a real probe.
# `python tools/train.py configs/ssvt/linear_dinov2-vits14-random_1xb8-0.6k_shapes-112x112_ssvt-scribble.py`
_base_ = [
    '../_base_/models/dinov2_vitb14_bn-linear.py', '../_base_/datasets/shapes_scribble.py',
    '../_base_/default_runtime.py'
]
crop_size = (112, 112)
model = dict(
    data_preprocessor=dict(size=crop_size),
    backbone=dict(arch='vit_small', init_cfg=None),
    decode_head=dict(in_channels=384, num_classes=9, norm_cfg=dict(type='BN')),
    test_cfg=dict(_delete_=True, mode='whole'))
max_iters = 600
optim_wrapper = dict(
    type='OptimWrapper',
    constructor='TrainableOptimWrapperConstructor',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0))
param_scheduler = [
    dict(type='PolyLR', power=0.9, eta_min=0.0, begin=0, end=max_iters, by_epoch=False)
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=max_iters,
                    max_keep_ckpts=1))
randomness = dict(seed=0)
