# UniMatch's released optimisation (LiheYoung/UniMatch unimatch.py, configs/pascal.yaml): SGD
# momentum 0.9, wd 1e-4, backbone lr 1e-3 and head lr x10 (`lr_multi`; Cityscapes: 5e-3, x1),
# poly 0.9 over all iterations; confidence threshold 0.95 (Cityscapes: 0). An iteration-based
# loop on `semi_data`'s online batches. Leaves set the batch composition (released, per GPU:
# 2 labelled + 2 unlabelled images and 2 more unlabelled ones to CutMix from,
# `semi_data = dict(source_ratio=(2, 4))`) and wrap their model base's segmentor:
#   model = dict(_base_.online_segmentor, segmentor=_base_.model)
_base_ = '../default_runtime.py'
# The released runs: 4 GPUs (README: "<num_gpu> should be set as 4"), 2 labelled images per GPU
# (configs/*.yaml batch_size), epochs counted in batches of the unlabelled loader,
# ceil(N_u / gpus) // batch_per_gpu each (full-scale leaves compute max_iters from these).
gpus = 4
batch_per_gpu = 2
online_segmentor = dict(_delete_=True, type='UniMatchSegmentor', conf_thresh=0.95, fp_dropout=0.5,
                        mix_source='second_batch')
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=1e-3, momentum=0.9, weight_decay=1e-4),
    paramwise_cfg=dict(custom_keys={'decode_head': dict(lr_mult=10.0)}))
param_scheduler = [dict(type='PolyLR', power=0.9, eta_min=0, by_epoch=False)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=80000, val_interval=2000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=2000, max_keep_ckpts=2,
                    save_best='mIoU', rule='greater'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='SegVisualizationHook'))
