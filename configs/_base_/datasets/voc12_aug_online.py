# VOC 2012 aug for online weak-to-strong training (FixMatch, UniMatch, UniMatch V2) with
# UniMatch's fixed split lists (splits/voc12/unimatch/<n>_{labeled,unlabeled}.txt, the
# classic protocol: n of the 1464 VOC train images labelled, the rest of the 10582 train_aug
# images unlabelled, their labels never read) and UniMatch's geometry (dataset/semi.py,
# dataset/transform.py): the long side resized to U(0.5, 2.0) x its own, ratio kept; a crop,
# padded with ignore; flip 0.5; no photometric change of the weak view. The unlabelled images
# get two strong views (colour jitter 0.8, grayscale 0.2, blur 0.5: `StrongViews`) and the
# batches are `SemiDataSpec.online_dataloader`'s. Val and test: UniMatch's val list (the 1449
# VOC val images) at their original size (the release's 'original' evaluation: the whole
# image; the release selects its best epoch on it), SegmentationClassAug labels.
#
# Deviations (mmseg transforms): RandomResize scales to a (500, 500) bound, so the long side
# becomes 500 x U(0.5, 2.0): the release's "its own long side x U(0.5, 2.0)" for VOC's
# images, nearly all 500 px long. The crop (321; UniMatch V2 518: leaves replace it) takes
# what the image has and the data preprocessor (`size=crop_size`) pads bottom/right after
# normalisation (pad value 0, the mean colour; the release pads black before normalising),
# labels with 255 and, for unlabelled images, the ignore mask from the padding, as released.
# The method recipes (configs/unimatch*/_base_/) set the batch composition (`source_ratio`).
_base_ = './voc12_aug_semi.py'
unimatch_splits = '{{fileDirname}}/splits/voc12/unimatch'
train_pipeline = [
    dict(t, scale=(500, 500), ratio_range=(0.5, 2.0), keep_ratio=True)
    if t['type'] == 'RandomResize' else t for t in _base_.train_pipeline
]
test_pipeline = [t for t in _base_.test_pipeline if t['type'] != 'Resize']
semi_data = dict(
    labeled_split=unimatch_splits + '/92_labeled.txt',
    unlabeled_split=unimatch_splits + '/92_unlabeled.txt',
    train_pipeline=train_pipeline,
    test_pipeline=test_pipeline,
    strong_views=dict(type='StrongViews', num_views=2))
train_dataloader = dict(_delete_=True, semi_data='online')
val_dataloader = dict(dataset=dict(ann_file=unimatch_splits + '/val.txt'))
test_dataloader = dict(dataset=dict(ann_file=unimatch_splits + '/val.txt'))
