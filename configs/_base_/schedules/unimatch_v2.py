# UniMatch V2's optimisation (unimatch_v2.py, configs/*.yaml): AdamW, betas (0.9, 0.999),
# weight decay 0.01 on every parameter; the backbone at lr 5e-6 and everything else at
# lr * lr_multi = 5e-6 * 40 = 2e-4; poly decay, power 0.9, to 0 by iteration. mmengine sets
# a group's lr to base lr * lr_mult, so the optimizer lr is the head's and parameters whose
# name contains 'backbone' (backbone.*, segmentor.backbone.*) get 1/40 of it; parameters
# without grad (a frozen backbone, an EMA teacher) are left out of the optimizer. Leaves set
# train_cfg.max_iters T (the release: epochs x unlabelled batches per epoch); PolyLR ends there:
# iteration t runs at lr (1 - t / (T - 1))^0.9, the release's at lr (1 - (t - 1) / T)^0.9.
# `lr` / `lr_multi` are only read here: leaves change optim_wrapper itself.
_base_ = 'mmseg::_base_/schedules/schedule_20k.py'
lr = 5e-6
lr_multi = 40
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(_delete_=True, type='AdamW', lr=lr * lr_multi, betas=(0.9, 0.999),
                   weight_decay=0.01),
    paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=1 / lr_multi)}),
    clip_grad=None)
param_scheduler = [dict(type='PolyLR', power=0.9, eta_min=0, begin=0, by_epoch=False)]
# DINOv2's mask_token (kept for strict checkpoint loading) gets no gradient; the release
# also wraps its model in DDP with find_unused_parameters=True.
find_unused_parameters = True
# Loops from an `mmseg::` base carry _scope_='mmseg' and would build mmnoisy datasets there.
val_cfg = dict(_scope_='mmnoisy')
test_cfg = dict(_scope_='mmnoisy')
# The method: an EMA teacher (m = min(1 - 1/(iter + 1), 0.996), MeanTeacherHook) labels the
# weak views, two strong views CutMixed with the batch flipped, complementary channel dropout,
# threshold 0.95; student and teacher both validated, the best of each kept. Leaves set the
# batch (released per GPU: 4 labelled + 4 unlabelled, `semi_data = dict(source_ratio=(4, 4))`)
# and wrap their model base's segmentor: model = dict(_base_.online_segmentor, segmentor=...).
online_segmentor = dict(_delete_=True, type='UniMatchV2Segmentor', conf_thresh=0.95,
                        teacher='ema', mix_source='flipped_batch', keep_ratio=0.5)
custom_hooks = [dict(type='MeanTeacherHook', momentum=0.996)]
train_cfg = dict(_scope_='mmnoisy')
val_cfg = dict(_scope_='mmnoisy', type='TeacherStudentValLoop')
default_hooks = dict(
    checkpoint=dict(by_epoch=False, max_keep_ckpts=2, save_best=['mIoU', 'teacher/mIoU'],
                    rule='greater'))
