# The procedural shapes data (shapes.py) trained on dense noisy labels: the `moderate` tier
# of mmnoisy's label-noise synthesis (`tools/synth_noise.py`, written to
# SegmentationClassNoisy_moderate: objects dilated, eroded, dropped or relabelled); val and
# test stay on the clean labels. The noisy counterpart of SSVT's pseudo-label setting
# (SEAM / EPS labels: dense and imperfect).
_base_ = './shapes.py'
crop_size = (112, 112)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomResize', scale=(128, 128), ratio_range=(0.75, 1.5), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    dataset=dict(data_prefix=dict(seg_map_path='SegmentationClassNoisy_moderate'),
                 pipeline=train_pipeline))
