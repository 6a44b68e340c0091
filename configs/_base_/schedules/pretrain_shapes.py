# The loop and hooks of backbone pretraining on the procedural corpus (configs/pretrain/):
# iteration-based, the corpus' val set scored once at the end, the loss logged every 50
# iterations (tools/pretrain_backbones.py draws the loss curve from it), a checkpoint every
# 1000 so that an interrupted run resumes. Leaves set `optim_wrapper`, `param_scheduler` and
# `train_cfg.max_iters` (with `val_interval` equal to it).
train_cfg = dict(type='IterBasedTrainLoop', max_iters=4000, val_interval=4000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=1000, max_keep_ckpts=1),
    visualization=dict(type='SegVisualizationHook', draw=False))
randomness = dict(seed=0)
