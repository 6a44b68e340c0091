# Zhu et al. on the procedural shapes data, CPU scale: the teacher. The small DeepLab-v2 of
# the demo trained on the 1/8 labelled split (125 images, ImageSets/.../8_labeled_0.txt) with
# OHEM cross entropy (the paper's teacher recipe, Table 1 "Fine" row, at toy scale).
#   python tools/train.py configs/self_training/deeplabv2_r18-d8_1xb8-0.4k_shapes-112x112_self-training-1-8-teacher.py
# Its best checkpoint feeds the students (deeplabv2_r18-d8_1xb8-0.3k_shapes-112x112_self-training-1-8-student-*.py).
# Results over 3 seeds: docs/self_training.md.
_base_ = '../demo/deeplabv2_r18-d8_1xb8-1.2k_shapes-112x112.py'
labeled_split = 'ImageSets/Segmentation/8_labeled_0.txt'
# OHEM: pixels below 0.7 confidence, at least a sixth of a 112x112 crop per image.
ohem = dict(type='OHEMPixelSampler', thresh=0.7, min_kept=2000)
model = dict(decode_head=dict(sampler=ohem))
max_iters = 400
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, begin=0, end=50, by_epoch=False),
    dict(type='PolyLR', power=0.9, eta_min=1e-4, begin=50, end=max_iters, by_epoch=False),
]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
train_dataloader = dict(dataset=dict(ann_file=labeled_split))
default_hooks = dict(checkpoint=dict(interval=max_iters))
