# ADELE's training recipe (paper 000; released code: Kangningthu/ADELE): epoch-based SGD
# (momentum 0.9, wd 5e-4; leaves set the LR and the epochs), validation and a checkpoint
# every epoch. ADELE decides per epoch, so it needs an EpochBasedTrainLoop.
# The method's parts, merged by the leaves into their model and hooks:
#   model = dict(_base_.adele_segmentor, ...); custom_hooks = [dict(_base_.adele_hook, ...)]
optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(type='SGD', lr=1e-3, momentum=0.9, weight_decay=5e-4))
train_cfg = dict(type='EpochBasedTrainLoop', val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50, log_metric_by_epoch=False),
    checkpoint=dict(type='CheckpointHook', by_epoch=True, interval=1, max_keep_ckpts=3,
                    save_best='mIoU'))
extra_labels = ('noisy', 'clean')  # the labels each sample carries besides the corrected ones
adele_segmentor = dict(
    type='ADELESegmentor',
    scales=(0.7, 1.0, 1.5),
    # CE on the noisy labels of each scale (mean over labelled pixels, then over scales)
    # plus the multi-scale consistency term (ADELESegmentor feeds it the three maps).
    decode_head=dict(loss_decode=[
        dict(type='CrossEntropyLoss', avg_non_ignore=True, loss_weight=1.0),
        dict(type='MultiScaleConsistencyLoss', rho=0.8, mode='paper', loss_weight=1.0)
    ]))
# The authors' example command: scales 0.75/1/1.5, flip from epoch 9, temperature 3, labels
# reset each epoch (`--scale_index 0 --flip yes`); leaves set the IoU record interval.
adele_hook = dict(
    type='AdaptiveLabelCorrectionHook', r=0.9, tau=0.8, scales=(0.75, 1.0, 1.5),
    flip_from_epoch=9, temperature=3.0, reset_to_initial=True)
