# The Simple Baseline demo (SDA + DSBN + SCL, 2 rounds) shrunk for tests: 4 supervised
# iterations, 2 rounds of 3, 1/4 labels, batches of 1 labelled + 1 pseudo-labelled image.
# Data roots come from tests/conftest.py: semi_options.
_base_ = '../../../configs/simple_baseline/deeplabv2_r18-d8_1xb8-2rounds_shapes-112x112_simple-baseline-1-8.py'
model = dict(segmentor=dict(backbone=dict(base_channels=8, stem_channels=8),
                            decode_head=dict(in_channels=64)))
semi_data = dict(source_ratio=(1, 1), num_workers=0)
val_dataloader = dict(num_workers=0, persistent_workers=False)
test_dataloader = val_dataloader
train_cfg = dict(sup_iters=4, round_iters=3, val_interval=3,
                 pseudo_labeler=dict(num_overlays=1))
default_hooks = dict(logger=dict(interval=1), checkpoint=dict(interval=1, max_keep_ckpts=20))
