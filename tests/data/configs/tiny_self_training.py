# The Zhu et al. shapes student (centroid sampling + coarse2fine+) shrunk for tests: one round
# of 6 iterations, batch 1 real + 1 pseudo, 32 px tiles, 2-iteration epochs, and a wider
# teacher than the student. The teacher's checkpoint and the data roots come from the test.
_base_ = '../../../configs/self_training/deeplabv2_r18-d8_1xb8-0.3k_shapes-112x112_self-training-1-8-student-7-1-cs-coarse2fine+.py'
small = dict(backbone=dict(base_channels=8, stem_channels=8), decode_head=dict(in_channels=64))
model = dict(segmentor=small)
semi_data = dict(source_ratio=(1, 1), num_workers=0,
                 source_samplers=dict(tile_size=32))
val_dataloader = dict(num_workers=0, persistent_workers=False)
test_dataloader = val_dataloader
train_cfg = dict(
    round_iters=6, val_interval=6,
    pseudo_labeler=dict(num_overlays=1),
    teacher=dict(model=dict(backbone=dict(base_channels=16, stem_channels=16),
                            decode_head=dict(in_channels=128))))
custom_hooks = [
    dict(type='CropScheduleHook', mode='coarse2fine+', crop_sizes=[48, 64], warmup_epochs=1,
         epoch_iters=2)
]
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval=3))
