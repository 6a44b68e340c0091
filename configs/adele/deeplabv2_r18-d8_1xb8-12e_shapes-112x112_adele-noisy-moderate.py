# ADELE demo (paper 000 on CPU): the small DeepLab-v2 trained from scratch on the procedural
# shapes data whose train labels carry `moderate` synthetic noise; validated on clean labels.
# Data: `python tools/generate_demo_data.py` then
#   `python tools/synth_noise.py data/shapes/SegmentationClass \
#        data/shapes/SegmentationClassNoisy_moderate --tier moderate --num-classes 9 \
#        --split data/shapes/ImageSets/Segmentation/train.txt`
# Reproduces no paper number (the paper has no such data); it shows the mechanism: per-class
# triggers, corrected labels in work_dirs/.../adele_labels/, IoU_el/IoU_m curves in
# adele_curves/*.png. Measured results (3 seeds, shortened schedule) and times: docs/adele.md.
# This full schedule (1000 images, 12 epochs, 3 forwards per step) takes ~1.5-2 h on 2 CPU
# cores (extrapolated from the benchmark's measured epoch and correction times).
_base_ = [
    '../_base_/models/deeplabv2_r18-d8.py', '../_base_/datasets/shapes.py',
    '../_base_/default_runtime.py'
]
crop_size = (112, 112)
noisy_label_dir = 'SegmentationClassNoisy_moderate'
clean_label_dir = 'SegmentationClass'  # diagnostics only (IoU_el / IoU_m); set None without
model = dict(
    type='ADELESegmentor',
    data_preprocessor=dict(size=crop_size),
    scales=(0.7, 1.0, 1.5),
    # CE on the noisy labels of each scale (mean over labelled pixels, then over scales)
    # plus the multi-scale consistency term (ADELESegmentor feeds it the three maps).
    decode_head=dict(loss_decode=[
        dict(type='CrossEntropyLoss', avg_non_ignore=True, loss_weight=1.0),
        dict(type='MultiScaleConsistencyLoss', rho=0.8, mode='paper', loss_weight=1.0)
    ]))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='LoadExtraLabels', names=('noisy', 'clean')),
    dict(type='RandomResize', scale=(128, 128), ratio_range=(0.75, 1.5), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputsWithExtraLabels', names=('noisy', 'clean')),
]
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        _delete_=True,
        type='CorrectableLabelDataset',
        clean_label_dir=clean_label_dir,
        dataset=dict(
            type='ProceduralShapesDataset',
            data_root='data/shapes',
            data_prefix=dict(img_path='JPEGImages', seg_map_path=noisy_label_dir),
            ann_file='ImageSets/Segmentation/train.txt',
            pipeline=train_pipeline)))
max_epochs = 12
optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, begin=0, end=50, by_epoch=False),
    dict(type='PolyLR', power=0.9, eta_min=1e-4, begin=1, end=max_epochs, by_epoch=True,
         convert_to_iter_based=True),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=max_epochs)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
# ~10 IoU records per epoch (the released code: every 100 of ~1058 iterations).
custom_hooks = [
    dict(type='AdaptiveLabelCorrectionHook', interval=12, r=0.9, tau=0.8,
         scales=(0.75, 1.0, 1.5), flip_from_epoch=9, temperature=3.0, reset_to_initial=True)
]
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=25, log_metric_by_epoch=False),
    checkpoint=dict(type='CheckpointHook', by_epoch=True, interval=1, max_keep_ckpts=2,
                    save_best='mIoU'),
    visualization=dict(type='SegVisualizationHook', draw=False))
randomness = dict(seed=0)
env_cfg = dict(cudnn_benchmark=False)
