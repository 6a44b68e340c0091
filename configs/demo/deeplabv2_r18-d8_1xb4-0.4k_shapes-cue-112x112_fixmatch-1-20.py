# FixMatch in the time of a demo: as `deeplabv2_r18-d8_1xb4-0.3k_shapes-cue-112x112_unimatch-1-20.py`
# (from a supervised checkpoint, LR restarted), one strong view, 400 iterations: the wall
# time of the DST-CBC demo round (a FixMatch step costs ~1.6 supervised batch-8 steps,
# tools/benchmark/online_step.py). Results over 3 seeds: docs/unimatch.md.
_base_ = '../fixmatch/deeplabv2_r18-d8_1xb4-2k_shapes-cue-112x112_fixmatch-1-20.py'
max_iters = 400
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(checkpoint=dict(interval=max_iters))
