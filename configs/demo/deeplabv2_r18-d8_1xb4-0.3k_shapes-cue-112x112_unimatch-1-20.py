# UniMatch in the time of a demo, on the colour-cue procedural data with 1/20 of the labels:
# from a supervised checkpoint of the same model (`--cfg-options load_from=...`, as
# `tools/demo.py --method unimatch` passes), 300 iterations of 4 labelled + 4 unlabelled
# images (+ 4 to CutMix from) per batch, the LR schedule restarted at the full LR, as the
# DST-CBC demo round is. 300 UniMatch iterations take the wall time of the DST-CBC round
# (pseudo-labelling pass + 400 iterations): tools/benchmark/online_step.py prices a UniMatch
# step at ~2.1 supervised batch-8 steps. Results over 3 seeds: docs/unimatch.md.
_base_ = '../unimatch/deeplabv2_r18-d8_1xb4-2k_shapes-cue-112x112_unimatch-1-20.py'
max_iters = 300
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(checkpoint=dict(interval=max_iters))
