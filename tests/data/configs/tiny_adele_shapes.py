# The ADELE demo config shrunk for the tests: tiny model, 2 epochs, a record every iteration,
# r=-1 so that every class with a curve triggers after epoch 1, and tau=0 so that any
# prediction may change a pixel. The data root is given on the command line
# (tests/engine/test_adele_hook.py).
_base_ = '../../../configs/adele/deeplabv2_r18-d8_1xb8-12e_shapes-112x112_adele-noisy-moderate.py'
model = dict(backbone=dict(base_channels=8, stem_channels=8),
             decode_head=dict(in_channels=64))
optim_wrapper = dict(optimizer=dict(lr=0.01))
max_epochs = 2
param_scheduler = [dict(type='PolyLR', power=0.9, eta_min=1e-4, begin=0, end=max_epochs,
                        by_epoch=True, convert_to_iter_based=True)]
train_dataloader = dict(batch_size=8, num_workers=0, persistent_workers=False)
val_dataloader = dict(batch_size=1, num_workers=0, persistent_workers=False)
test_dataloader = val_dataloader
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
custom_hooks = [dict(type='AdaptiveLabelCorrectionHook', interval=1, r=-1, tau=0.0,
                     flip_from_epoch=2)]
default_hooks = dict(logger=dict(interval=5), checkpoint=dict(interval=1, max_keep_ckpts=3))
