# The baseline of `tools/demo.py --method dst_cbc`: plain supervised training on the 50
# labelled images of the colour-cue procedural data (1/20 split 0), 700 iterations (SGD lr
# 0.05, poly), model selection on valtiny. The demo then starts DST-CBC's round
# (`deeplabv2_r18-d8_1xb8-1round_shapes-cue-112x112_dst-cbc-1-20.py`) from its last
# checkpoint, as the paper starts its rounds from the supervised model; results over 3
# seeds in README.md.
_base_ = './deeplabv2_r18-d8_1xb8-1.2k_shapes-112x112.py'
data_root = 'data/shapes_cue'  # tools/generate_demo_data.py --colour-cue --out data/shapes_cue
train_dataloader = dict(
    dataset=dict(data_root=data_root, ann_file='ImageSets/Segmentation/20_labeled_0.txt'))
val_dataloader = dict(
    dataset=dict(data_root=data_root, ann_file='ImageSets/Segmentation/valtiny.txt'))
test_dataloader = dict(
    dataset=dict(data_root=data_root, ann_file='ImageSets/Segmentation/val.txt'))
max_iters = 700
param_scheduler = [dict(type='PolyLR', power=0.9, eta_min=1e-4, by_epoch=False)]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(checkpoint=dict(interval=max_iters), visualization=dict(draw=False))
