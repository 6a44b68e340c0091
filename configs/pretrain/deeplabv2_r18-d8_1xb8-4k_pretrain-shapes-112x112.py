# Supervised pretraining of the benchmark CNN's backbone (DeepLab-v2, ResNetV1c-18 at half
# width, deeplabv2_r18-d8.py) on the procedural pretraining corpus (10 other shape classes,
# 4000 train images): SGD as the demo trains this model, 4000 iterations of batch 8
# (docs/pretrained.md). Run it through `python tools/pretrain_backbones.py --model r18`, which
# generates the corpus, trains this config, keeps the backbone's weights in
# checkpoints/pretrained/ and scores a linear probe on them.
_base_ = [
    '../_base_/models/deeplabv2_r18-d8.py', '../_base_/datasets/pretrain_shapes.py',
    '../_base_/default_runtime.py', '../_base_/schedules/pretrain_shapes.py'
]
crop_size = (112, 112)
model = dict(data_preprocessor=dict(size=crop_size), decode_head=dict(num_classes=11))
max_iters = 4000
warmup = 100
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, begin=0, end=warmup, by_epoch=False),
    dict(type='PolyLR', power=0.9, eta_min=1e-4, begin=warmup, end=max_iters, by_epoch=False),
]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
