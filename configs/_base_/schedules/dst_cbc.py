# DST-CBC's optimisation and self-training rounds (methods.md 2.2-2.3), with mmseg's hooks:
# SGD lr 2e-3, momentum 0.9, wd 5e-4, poly 0.9 restarted at every stage; a supervised stage,
# then 5 class-balanced curriculum rounds of 6 epochs of the unlabelled set each; validation
# every 1000 iterations, keeping the best model across rounds. Leaf configs set the length of
# the supervised stage (`sup_epochs`, `sup_epochs_scale` * sqrt(1 / labelled fraction) in the
# paper, or `sup_iters`); the data comes from their `semi_data`. `semi_segmentor` is the
# method's model: leaves wrap their model base's segmentor in it,
#   model = dict(_base_.semi_segmentor, segmentor=_base_.model, data_preprocessor=...)
_base_ = 'mmseg::_base_/schedules/schedule_20k.py'
sup_epochs_scale = 30  # supervised epochs at all labels (paper 4.1)
semi_segmentor = dict(
    _delete_=True,
    type='SemiSupervisedSegmentor',
    sup_loss=dict(type='DynamicSelfTrainingLoss', gamma=0),  # plain CE on labelled images
    unsup_loss=dict(type='DynamicSelfTrainingLoss', gamma=9),  # 4 above 1000 labels (4.2)
    normalization='whole_batch')  # one denominator: the batch's non-ignored pixels
optim_wrapper = dict(optimizer=dict(lr=2e-3, momentum=0.9, weight_decay=5e-4))
param_scheduler = [dict(type='PolyLR', power=0.9, eta_min=0, by_epoch=False)]
train_cfg = dict(
    _delete_=True,
    type='SelfTrainingLoop',
    ratios=[0.2, 0.4, 0.6, 0.8, 1.0],
    round_epochs=6,
    val_interval=1000,
    pseudo_labeler=dict(type='PseudoLabeler', rule='ratio', scales=(1.0, ), flip=False,
                        pixel_stride=16))
default_hooks = dict(
    checkpoint=dict(interval=1000, max_keep_ckpts=2, save_best='mIoU', rule='greater'))
# Loops from an `mmseg::` base carry _scope_='mmseg' and would build mmnoisy datasets there.
val_cfg = dict(_scope_='mmnoisy')
test_cfg = dict(_scope_='mmnoisy')
