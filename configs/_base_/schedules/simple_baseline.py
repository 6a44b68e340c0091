# Simple Baseline's optimisation and iterations (paper 3.1 and 3.4; released
# configs/semi_deeplabv3/config_example.yaml): SGD with the poly 0.9 policy restarted at every
# stage; a supervised stage trains the teacher, then each self-training round pseudo-labels
# the unlabelled images with the best model so far (scales {0.5, 0.75, 1.0, 1.5, 1.75} + flip,
# logits summed, hard argmax, no threshold) and trains the student from it for 20k iterations
# (released MAX_ITERS). One round is "s.t."; more rounds are the iterative training ("iter.").
# The data comes from the leaf config's `semi_data`. `semi_segmentor` is the method's model
# at the "s.t." rung (plain cross entropy for both sources): leaves wrap their model base's
# segmentor in it, model = dict(_base_.semi_segmentor, segmentor=_base_.model, ...).
_base_ = 'mmseg::_base_/schedules/schedule_40k.py'
semi_segmentor = dict(
    _delete_=True,
    type='SimpleBaselineSegmentor',
    sup_loss=dict(type='CrossEntropyLoss', avg_non_ignore=True),
    unsup_loss=dict(type='CrossEntropyLoss', avg_non_ignore=True))
optim_wrapper = dict(optimizer=dict(lr=0.01, momentum=0.9, weight_decay=5e-4))
param_scheduler = [dict(type='PolyLR', power=0.9, eta_min=1e-4, by_epoch=False)]
train_cfg = dict(
    _delete_=True,
    type='SelfTrainingLoop',
    ratios=[1.0],  # one round per entry; 1.0 = every pixel gets its argmax
    sup_iters=40000,
    round_epochs=None,
    round_iters=20000,
    val_interval=2000,
    pseudo_labeler=dict(type='PseudoLabeler', rule='argmax', scales=(0.5, 0.75, 1.0, 1.5, 1.75),
                        flip=True, fusion='logits'))
default_hooks = dict(
    checkpoint=dict(interval=2000, max_keep_ckpts=2, save_best='mIoU', rule='greater'))
# Loops from an `mmseg::` base carry _scope_='mmseg' and would build mmnoisy datasets there.
val_cfg = dict(_scope_='mmnoisy')
test_cfg = dict(_scope_='mmnoisy')
