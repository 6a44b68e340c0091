# The colour-cue procedural data with 1/20 of the labels (split 0: 50 of the 1000 train
# images), scored on its 200 val images. `python tools/generate_demo_data.py --colour-cue
# --out data/shapes_cue`.
_base_ = './shapes.py'
data_root = 'data/shapes_cue'
train_dataloader = dict(
    dataset=dict(data_root=data_root, ann_file='ImageSets/Segmentation/20_labeled_0.txt'))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
