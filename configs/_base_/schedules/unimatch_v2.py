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
