# Supervised pretraining of the tiny DINOv2-layout ViT/14 of the CPU benchmarks (embed 96,
# 6 blocks, 3 heads, position embeddings for 112 px: the UniMatch V2 CPU config's backbone) on
# the procedural pretraining corpus, trained end to end under DINOv2's linear head (BN + 1x1
# conv on the last block): AdamW with warm-up and gradient clipping as ViTs are trained,
# 8000 iterations of batch 8 (docs/pretrained.md). Run it through
# `python tools/pretrain_backbones.py --model vit`.
_base_ = [
    '../_base_/models/dinov2_vitb14_bn-linear.py', '../_base_/datasets/pretrain_shapes.py',
    '../_base_/default_runtime.py', '../_base_/schedules/pretrain_shapes.py'
]
crop_size = (112, 112)
model = dict(
    data_preprocessor=dict(size=crop_size),
    backbone=dict(arch=dict(_delete_=True, embed_dim=96, depth=6, num_heads=3, ffn='mlp'),
                  img_size=112,
                  frozen=False, init_cfg=None),
    decode_head=dict(in_channels=96, num_classes=11, norm_cfg=dict(type='BN'),
                     loss_decode=dict(avg_non_ignore=True)),
    test_cfg=dict(_delete_=True, mode='whole'))
max_iters = 8000
warmup = 200
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, betas=(0.9, 0.999), weight_decay=0.05),
    clip_grad=dict(max_norm=1.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, begin=0, end=warmup, by_epoch=False),
    dict(type='PolyLR', power=1.0, eta_min=1e-5, begin=warmup, end=max_iters, by_epoch=False),
]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
