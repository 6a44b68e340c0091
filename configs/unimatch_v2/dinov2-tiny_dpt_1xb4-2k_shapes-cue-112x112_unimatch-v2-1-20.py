# UniMatch V2 on the colour-cue procedural data with 1/20 of the labels, CPU-sized: a tiny
# DINOv2-layout ViT/14 (embed 96, 6 blocks, 3 heads; random init: no official weights offline)
# whose blocks 1, 2, 4, 5 feed the DPT head (features 32), 4 labelled + 4 unlabelled images
# per batch at 112 x 112 (8 x 8 patches), AdamW as released (lr 2e-3 everywhere: the
# random start), the EMA teacher and both models validated on valtiny.
_base_ = [
    '../_base_/models/dinov2_vits14_dpt.py', '../_base_/datasets/shapes_online.py',
    '../_base_/default_runtime.py', '../_base_/schedules/unimatch_v2.py'
]
data_root = 'data/shapes_cue'  # tools/generate_demo_data.py --colour-cue --out data/shapes_cue
semi_data = dict(dataset=dict(data_root=data_root), source_ratio=(4, 4))
data_preprocessor = dict(_base_.data_preprocessor, size=_base_.crop_size)
segmentor = dict(
    _base_.model,
    data_preprocessor=data_preprocessor,
    backbone=dict(_base_.model.backbone, arch=dict(embed_dim=96, depth=6, num_heads=3, ffn='mlp'),
                  out_indices=(1, 2, 4, 5), img_size=112, init_cfg=None),
    decode_head=dict(_base_.model.decode_head, in_channels=96, channels=32, post_process_channels=(24, 48, 96, 96),
                     num_classes=9))
model = dict(_base_.online_segmentor, segmentor=segmentor)
max_iters = 2000
# Random init: the backbone trains at the head's lr (the release's 1/40 protects pretrained
# weights, which a CPU run does not have).
optim_wrapper = dict(optimizer=dict(lr=2e-3),
                     paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=1.0)}))
param_scheduler = [dict(type='PolyLR', power=0.9, eta_min=0, begin=0, end=max_iters,
                        by_epoch=False)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=500)
default_hooks = dict(checkpoint=dict(interval=500), visualization=dict(draw=False))
randomness = dict(seed=0)
