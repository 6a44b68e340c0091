# UniMatch on the colour-cue procedural data with 1/20 of the labels (50 labelled, 950
# unlabelled images, split 0), CPU-sized: the small DeepLab-v2 from scratch, 4 labelled + 4
# unlabelled images per batch and 4 more to CutMix from, SGD lr 0.05 (head x1: no pretrained
# backbone to protect), poly, model selection on valtiny. Results against supervised,
# FixMatch and DST-CBC at equal wall time, over 3 seeds: docs/unimatch.md.
_base_ = [
    '../_base_/models/deeplabv2_r18-d8.py', '../_base_/datasets/shapes_online.py',
    '../_base_/schedules/unimatch.py'
]
data_root = 'data/shapes_cue'  # tools/generate_demo_data.py --colour-cue --out data/shapes_cue
semi_data = dict(dataset=dict(data_root=data_root), source_ratio=(4, 8))
model = dict(_base_.online_segmentor, segmentor=_base_.model,
             data_preprocessor=dict(_base_.data_preprocessor, size=_base_.crop_size))
max_iters = 2000
optim_wrapper = dict(optimizer=dict(lr=0.05, weight_decay=5e-4),
                     paramwise_cfg=dict(_delete_=True))
param_scheduler = [dict(type='PolyLR', power=0.9, eta_min=1e-4, by_epoch=False)]
train_cfg = dict(max_iters=max_iters, val_interval=500)
default_hooks = dict(checkpoint=dict(interval=500), visualization=dict(draw=False))
randomness = dict(seed=0)
