# DST-CBC in the time of a demo, on the colour-cue procedural data with 1/20 of the labels
# (50 labelled, 950 unlabelled images, split 0): one class-balanced round from a supervised
# model, which pseudo-labels the unlabelled images at ratio 0.8 and trains 400 iterations on
# 4 labelled + 4 pseudo-labelled images per batch (dynamic loss, gamma 9), the LR schedule
# restarted at the full LR. Start it from a supervised checkpoint of the same model
# (`--cfg-options load_from=work_dirs/<supervised run>/iter_700.pth`): without one, the
# run stops before its first iteration.
# `python tools/demo.py --method dst_cbc` trains that supervised model first
# (`deeplabv2_r18-d8_1xb8-0.7k_shapes-cue-112x112-1-20.py`) and compares the two; results
# over 3 seeds, and the supervised model trained 400 iterations more instead, in README.md.
# The paper runs 5 rounds (ratios 0.2 ... 1.0); the full CPU-scale schedule is
# `../dst_cbc/deeplabv2_r18-d8_1xb8-5rounds_shapes-112x112_dst-cbc-1-20.py`.
_base_ = '../dst_cbc/deeplabv2_r18-d8_1xb8-5rounds_shapes-112x112_dst-cbc-1-20.py'
semi_data = dict(dataset=dict(data_root='data/shapes_cue'))
train_cfg = dict(sup_iters=0, round_iters=400, ratios=[0.8], val_interval=400)
default_hooks = dict(checkpoint=dict(interval=400))
