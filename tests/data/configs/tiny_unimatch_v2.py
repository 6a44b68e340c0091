# The CPU UniMatch V2 config shrunk for tests: a 4-block ViT (embed 32), a narrow DPT head,
# 1/4 labels, batches of 2 labelled + 2 unlabelled images, 4 iterations, checkpoints every 2.
_base_ = '../../../configs/unimatch_v2/dinov2-tiny_dpt_1xb4-2k_shapes-cue-112x112_unimatch-v2-1-20.py'
model = dict(segmentor=dict(
    backbone=dict(arch=dict(embed_dim=32, depth=4, num_heads=2, ffn='mlp'),
                  out_indices=(0, 1, 2, 3)),
    decode_head=dict(in_channels=32, channels=8, post_process_channels=(8, 8, 16, 16))))
semi_data = dict(
    labeled_split='ImageSets/Segmentation/4_labeled_0.txt',
    unlabeled_split='ImageSets/Segmentation/4_unlabeled_0.txt',
    source_ratio=(2, 2),
    num_workers=0)
val_dataloader = dict(num_workers=0, persistent_workers=False)
test_dataloader = val_dataloader
train_cfg = dict(max_iters=4, val_interval=2)
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval=2, max_keep_ckpts=5))
