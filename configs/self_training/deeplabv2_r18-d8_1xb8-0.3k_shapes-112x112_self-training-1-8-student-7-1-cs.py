# Zhu et al. on the procedural shapes data, CPU scale: the student of Table 2a ("w CS", 7:1).
# The teacher (deeplabv2_r18-d8_1xb8-0.4k_shapes-112x112_self-training-1-8-teacher.py) pseudo-labels the 875 unlabelled
# images with hard (argmax) labels; the student, the same small DeepLab-v2, trains on 1 real
# + 7 pseudo-labelled images per batch with OHEM cross entropy over the whole batch, both
# sources drawn class-uniformly (half of each epoch from class centroids, 64 px tiles as the
# images are ~128 px) and cropped around the chosen centroid (CentroidCrop).
# CPU-scale deviation: the student starts from the teacher's weights (`load_from`) at a 5x
# lower LR; the paper's student starts from ImageNet weights and trains the full schedule,
# which a random-init student cannot match in 300 iterations.
#   python tools/train.py configs/self_training/deeplabv2_r18-d8_1xb8-0.3k_shapes-112x112_self-training-1-8-student-7-1-cs.py \
#     --cfg-options train_cfg.teacher.checkpoint=$TEACHER load_from=$TEACHER
# (TEACHER=work_dirs/deeplabv2_r18-d8_1xb8-0.4k_shapes-112x112_self-training-1-8-teacher/best_mIoU_iter_400.pth)
# Results over 3 seeds (tools/benchmark/self_training_shapes.py): docs/self_training.md.
_base_ = [
    '../_base_/models/deeplabv2_r18-d8.py', '../_base_/datasets/shapes_semi.py',
    '../_base_/default_runtime.py', '../_base_/schedules/dst_cbc.py'
]
ohem = dict(type='OHEMPixelSampler', thresh=0.7, min_kept=2000)  # as the teacher's
# One OHEM cross entropy over real + pseudo pixels (no separate loss of pseudo labels).
model = dict(_base_.semi_segmentor,
             segmentor=dict(_base_.model,
                            decode_head=dict(_base_.model.decode_head, sampler=ohem)),
             data_preprocessor=dict(_base_.data_preprocessor, size=_base_.crop_size),
             sup_loss=dict(type='CrossEntropyLoss', avg_non_ignore=True), unsup_loss=None)
# The shapes pipeline, cropped around the sampled centroid (at random for random draws).
train_pipeline = [
    dict(type='CentroidCrop', crop_size=_base_.crop_size) if t['type'] == 'RandomCrop' else t
    for t in _base_.train_pipeline
]
semi_data = dict(
    labeled_split='ImageSets/Segmentation/8_labeled_0.txt',
    unlabeled_split='ImageSets/Segmentation/8_unlabeled_0.txt',
    train_pipeline=train_pipeline,
    source_ratio=(1, 7),  # real : pseudo = 1 : 7 (the paper's best, Table 2a)
    source_samplers=dict(type='ClassUniformSampler', class_uniform_pct=0.5, tile_size=64))
iters = 300
optim_wrapper = dict(optimizer=dict(lr=0.01))  # fine-tuning the teacher's weights
# One scheduler: SelfTrainingLoop stretches every scheduler over the round.
param_scheduler = [dict(type='PolyLR', power=0.9, eta_min=1e-4, by_epoch=False)]
train_cfg = dict(
    sup_iters=0,  # the teacher is trained by its own config
    ratios=[1.0],  # one teacher -> student round, every pixel labelled
    round_epochs=None,
    round_iters=iters,
    val_interval=iters,
    pseudo_labeler=dict(rule='argmax', pixel_stride=1),  # hard labels
    teacher=dict(model=_base_.model, checkpoint=None))  # set the teacher's checkpoint
load_from = None  # the student's initial weights: set the teacher's checkpoint
val_dataloader = dict(dataset=dict(ann_file='ImageSets/Segmentation/val.txt'))
default_hooks = dict(checkpoint=dict(interval=iters))
randomness = dict(seed=0)
