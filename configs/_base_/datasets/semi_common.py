# The semi-supervised data settings the VOC and Cityscapes bases share (DST-CBC's release):
# 4 labelled + 4 unlabelled images per batch, the unlabelled images' labels never read, loader
# workers for training and for the pseudo-labelling pass. `*_semi.py` add the dataset, the
# split lists and the pipelines.
semi_data = dict(
    type='SemiDataSpec',
    unlabeled=dict(data_prefix=dict(seg_map_path=None)),
    source_ratio=(4, 4),
    num_workers=4,
    labelling_workers=2)
