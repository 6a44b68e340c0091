# SSVT, point labels. Reproduces Table 1, Point, Ours: 73.6 mIoU (TEL baseline 68.0).
# Labels: VOC2012/SegmentationPoint (255 = unlabelled).
_base_ = './linear_dinov2-vitb14-frozen_1xb10-20k_voc12aug-448x448_ssvt-scribble.py'
train_dataloader = dict(dataset=dict(data_prefix=dict(seg_map_path='SegmentationPoint')))
