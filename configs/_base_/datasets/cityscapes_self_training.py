# Cityscapes at full resolution for Zhu et al. (paper 004, §4.2): train random scale 0.5..2.0
# of 2048x1024, 800x800 crop (CentroidCrop: around a class centroid for class-uniform draws,
# random otherwise), flip, photometric jitter; test at 2048x1024.
# Real labels: the 2975 gtFine train images. Unlabelled images: Cityscapes coarse
# (leftImg8bit/train_extra) and Mapillary Vistas training images, their labels unused, listed
# together in `data_lists/coarse_mapillary.txt` as paths under data/cityscapes/ *with* their
# extension (one dataset, one pseudo-label folder), e.g.
#   leftImg8bit/train_extra/augsburg/augsburg_000000_000000_leftImg8bit.png
#   mapillary/training/images/__CRGDl8A0BbFwL4ZkaNXTw.jpg   (a link to data/mapillary/...)
# The teacher: fine labels only, 4 GPUs x 4 images.
# The students: real + pseudo-labelled images, 2 GPUs x 8 per batch (MultiSourceSampler).
_base_ = './cityscapes_semi_769.py'
crop_size = (800, 800)
# The full-resolution pipeline, cropped by CentroidCrop (around a class centroid for
# class-uniform draws, at random otherwise), with photometric jitter before packing.
train_pipeline = [
    dict(type='CentroidCrop', crop_size=crop_size) if t['type'] == 'RandomCrop' else t
    for t in _base_.train_pipeline[:-1]
] + [dict(type='PhotoMetricDistortion'), _base_.train_pipeline[-1]]
semi_data = dict(
    labeled_split='data_lists/train.txt',
    unlabeled_split='data_lists/coarse_mapillary.txt',
    train_pipeline=train_pipeline,
    # The list carries paths with their extension under data/cityscapes/, and no labels.
    unlabeled=dict(data_prefix=dict(img_path='', seg_map_path=None), img_suffix=''),
    source_ratio=(1, 7))
# The teacher: fine labels only, 4 GPUs x 4 images.
train_dataloader = dict(
    _delete_=True,  # replaces the semi base's None (derive from semi_data)
    batch_size=4,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(ann_file='data_lists/train.txt', pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(ann_file='data_lists/val.txt'))
test_dataloader = val_dataloader
