# Simple Baseline ablation on the procedural data, 1/8 labels (125 labelled, 875 unlabelled,
# split 0), rung "s.t.": self-training with plain cross entropy on 4 labelled + 4
# pseudo-labelled images per batch, weak pipeline for both, plain BN. The CPU counterpart of
# Table 6 row 2 (DeepLab-v2 R101 Cityscapes 1/8: 62.1 mIoU). Random-init ResNet-18 at half
# width; 400 supervised iterations (the teacher), then one round of 150 iterations.
#   python tools/train.py configs/simple_baseline/deeplabv2_r18-d8_1xb8-1round_shapes-112x112_simple-baseline-1-8-st.py
# The ladder over 3 seeds: tools/benchmark/simple_baseline_ladder.py (docs/simple_baseline.md).
_base_ = [
    '../_base_/models/deeplabv2_r18-d8.py', '../_base_/datasets/shapes_semi.py',
    '../_base_/default_runtime.py', '../_base_/schedules/simple_baseline.py'
]
semi_data = dict(
    labeled_split='ImageSets/Segmentation/8_labeled_0.txt',
    unlabeled_split='ImageSets/Segmentation/8_unlabeled_0.txt')
model = dict(_base_.semi_segmentor, segmentor=_base_.model,
             data_preprocessor=dict(_base_.data_preprocessor, size=_base_.crop_size))
# CPU scale: a higher LR for the random-init model, short stages.
optim_wrapper = dict(optimizer=dict(lr=0.05))
train_cfg = dict(sup_iters=400, round_iters=150, val_interval=50)
default_hooks = dict(checkpoint=dict(interval=50))
randomness = dict(seed=0)
