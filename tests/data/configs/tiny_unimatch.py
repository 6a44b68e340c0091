# The CPU UniMatch config shrunk for tests: a quarter-width model, 1/4 labels, batches of 1
# labelled + 1 unlabelled image (+ 1 to mix from), 4 iterations, checkpoints every 2. Data
# roots come from tests/conftest.py: semi_options.
_base_ = '../../../configs/unimatch/deeplabv2_r18-d8_1xb4-2k_shapes-cue-112x112_unimatch-1-20.py'
model = dict(segmentor=dict(backbone=dict(base_channels=8, stem_channels=8),
                            decode_head=dict(in_channels=64)))
semi_data = dict(
    labeled_split='ImageSets/Segmentation/4_labeled_0.txt',
    unlabeled_split='ImageSets/Segmentation/4_unlabeled_0.txt',
    source_ratio=(1, 2),
    num_workers=0)
val_dataloader = dict(num_workers=0, persistent_workers=False)
test_dataloader = val_dataloader
train_cfg = dict(max_iters=4, val_interval=4)
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval=2, max_keep_ckpts=5))
