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
    '../_base_/default_runtime.py', '../_base_/schedules/adele.py'
]
noisy_label_dir = 'SegmentationClassNoisy_moderate'
clean_label_dir = 'SegmentationClass'  # diagnostics only (IoU_el / IoU_m); set None without
model = dict(_base_.adele_segmentor, data_preprocessor=dict(size=_base_.crop_size))
# The shapes pipeline, loading and packing the noisy and clean labels too.
train_pipeline = [
    *_base_.train_pipeline[:2],
    dict(type='LoadExtraLabels', names=_base_.extra_labels),
    *_base_.train_pipeline[2:-1],
    dict(type='PackSegInputsWithExtraLabels', names=_base_.extra_labels),
]
train_dataloader = dict(
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        _delete_=True,
        type='CorrectableLabelDataset',
        clean_label_dir=clean_label_dir,
        dataset=dict(
            _base_.train_dataloader.dataset,
            data_prefix=dict(img_path='JPEGImages', seg_map_path=noisy_label_dir),
            pipeline=train_pipeline)))
max_epochs = 12
warmup_iters = 50
optim_wrapper = dict(optimizer=dict(lr=0.05))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, begin=0, end=warmup_iters, by_epoch=False),
    dict(type='PolyLR', power=0.9, eta_min=1e-4, begin=1, end=max_epochs, by_epoch=True,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
# ~10 IoU records per epoch (the released code: every 100 of ~1058 iterations).
custom_hooks = [dict(_base_.adele_hook, interval=12)]
default_hooks = dict(
    logger=dict(interval=25),
    checkpoint=dict(max_keep_ckpts=2),
    visualization=dict(type='SegVisualizationHook', draw=False))
randomness = dict(seed=0)
env_cfg = dict(cudnn_benchmark=False)
