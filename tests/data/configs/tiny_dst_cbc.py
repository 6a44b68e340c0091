# The DST-CBC demo shrunk for tests: 4 supervised iterations, 2 rounds of 3, 1/4 labels.
# Data roots come from tests/conftest.py: semi_options.
_base_ = '../../../configs/dst_cbc/deeplabv2_r18-d8_shapes_1-20.py'
model = dict(segmentor=dict(backbone=dict(base_channels=8, stem_channels=8),
                            decode_head=dict(in_channels=64)))
loader = dict(batch_size=2, num_workers=0, persistent_workers=False)
train_dataloader = dict(loader, dataset=dict(ann_file='ImageSets/Segmentation/4_labeled_0.txt'))
val_dataloader = dict(loader, batch_size=1)
test_dataloader = val_dataloader
train_cfg = dict(
    sup_iters=4, round_iters=3, val_interval=3, ratios=[0.5, 1.0], round_lr_factor=0.2,
    semi_dataloader=dict(
        batch_size=2, num_workers=0,
        sampler=dict(batch_size=2, source_ratio=[1, 1])),
    pseudo_labeler=dict(num_overlays=2))
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval=1, max_keep_ckpts=20))
