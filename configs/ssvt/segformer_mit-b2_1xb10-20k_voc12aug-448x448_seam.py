# Baseline for SSVT (paper 003): SegFormer MiT-B2, fully trained, on SEAM pseudo labels.
# Reproduces Table 2 / Table 4, SegFormer, Tuning: 65.2-65.5 mIoU (Table 1 Class baseline 65.6).
# The paper names no SegFormer variant or recipe: MiT-B2 (ImageNet-1k,
# checkpoints/mit_b2_20220624-66e8bf70.pth) with mmseg's SegFormer optimizer (AdamW 6e-5,
# head lr x10, warm-up) on SSVT's data recipe (batch 10, 20k iterations, crop 448).
_base_ = [
    'mmseg::_base_/models/segformer_mit-b0.py', '../_base_/datasets/voc12_aug_ssvt.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_20k.py'
]
crop_size = (448, 448)
model = dict(
    data_preprocessor=dict(size=crop_size),
    backbone=dict(
        init_cfg=dict(type='Pretrained',
                      checkpoint='checkpoints/mit_b2_20220624-66e8bf70.pth'),
        embed_dims=64,
        num_heads=[1, 2, 5, 8],
        num_layers=[3, 4, 6, 3]),
    decode_head=dict(in_channels=[64, 128, 320, 512], num_classes=21),
    test_cfg=dict(mode='slide', crop_size=crop_size, stride=(298, 298)))
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=6e-5, betas=(0.9, 0.999), weight_decay=0.01),
    paramwise_cfg=dict(
        custom_keys=dict(
            pos_block=dict(decay_mult=0.0),
            norm=dict(decay_mult=0.0),
            head=dict(lr_mult=10.0))))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0, end=1500),
    dict(type='PolyLR', eta_min=0.0, power=1.0, begin=1500, end=20000, by_epoch=False)
]
train_dataloader = dict(dataset=dict(data_prefix=dict(seg_map_path='PseudoLabels/SEAM')))
