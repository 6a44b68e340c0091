# DST-CBC in the time of a demo, on the colour-cue procedural data with 1/20 of the labels
# (50 labelled, 950 unlabelled images, split 0): 400 supervised iterations, then one
# class-balanced round that pseudo-labels the unlabelled images at ratio 0.8 with the best
# model so far and trains 300 iterations on 4 labelled + 4 pseudo-labelled images per batch
# (dynamic loss, gamma 9). `python tools/demo.py --method dst_cbc` runs it side by side with
# its supervised baseline (`..._supervised-1-20.py`, 700 iterations); measured in README.md.
_base_ = '../dst_cbc/deeplabv2_r18-d8_1xb8-5rounds_shapes-112x112_dst-cbc-1-20.py'
semi_data = dict(dataset=dict(data_root='data/shapes_cue'))
train_cfg = dict(sup_iters=400, round_iters=300, ratios=[0.8], val_interval=100)
default_hooks = dict(checkpoint=dict(interval=100))
