# The demo config shrunk to a few iterations for the tool tests; the data root is given on
# the command line (see tests/conftest.py: tiny_options).
_base_ = '../../../configs/demo/deeplabv2_r18-d8_1xb8-1.2k_shapes-112x112.py'
max_iters = 6
model = dict(backbone=dict(base_channels=8, stem_channels=8),
             decode_head=dict(in_channels=64))
optim_wrapper = dict(optimizer=dict(lr=0.01))
param_scheduler = [dict(type='PolyLR', power=0.9, eta_min=1e-4, begin=0, end=max_iters,
                        by_epoch=False)]
loader = dict(batch_size=2, num_workers=0, persistent_workers=False)
train_dataloader = loader
val_dataloader = dict(loader, batch_size=1)
test_dataloader = val_dataloader
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(
    logger=dict(interval=1),
    checkpoint=dict(interval=3, max_keep_ckpts=3, save_best=None),
    visualization=dict(interval=5))
