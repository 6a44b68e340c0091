# Cityscapes for online weak-to-strong training (FixMatch, UniMatch, UniMatch V2) with
# UniMatch's fixed split lists (splits/cityscapes/unimatch/1_<d>_{labeled,unlabeled}.txt; the
# unlabelled images' labels never read) and UniMatch's geometry (dataset/semi.py): the
# 2048x1024 images scaled by U(0.5, 2.0), ratio kept; a crop (801; UniMatch V2 798: leaves
# replace it) padded with ignore by the data preprocessor (`size=crop_size`, as in
# ./voc12_aug_online.py); flip 0.5; no photometric change of the weak view; two strong views
# per unlabelled image (`StrongViews`), batches of `SemiDataSpec.online_dataloader`. Val and
# test: UniMatch's val list (the 500 val images) at full resolution; the leaves' models slide
# a crop-sized window with stride int(crop * 2 / 3), the release's 'sliding_window'.
_base_ = './cityscapes_semi_769.py'
crop_size = (801, 801)
unimatch_splits = '{{fileDirname}}/splits/cityscapes/unimatch'
train_pipeline = [
    dict(t, crop_size=crop_size) if t['type'] == 'RandomCrop' else t
    for t in _base_.train_pipeline
]
semi_data = dict(
    labeled_split=unimatch_splits + '/1_16_labeled.txt',
    unlabeled_split=unimatch_splits + '/1_16_unlabeled.txt',
    train_pipeline=train_pipeline,
    strong_views=dict(type='StrongViews', num_views=2))
train_dataloader = dict(_delete_=True, semi_data='online')
val_dataloader = dict(dataset=dict(ann_file=unimatch_splits + '/val.txt'))
test_dataloader = dict(dataset=dict(ann_file=unimatch_splits + '/val.txt'))
