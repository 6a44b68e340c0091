# SSVT, image-level labels through EPS's pseudo labels (pseudo-label quality 69.4 mIoU).
# Reproduces Table 2 / Table 3 (DINOv2, EPS), Ours: 74.1 mIoU.
# Labels: VOC2012/PseudoLabels/EPS.
_base_ = './linear_dinov2-vitb14-frozen_1xb10-20k_voc12aug-448x448_ssvt-scribble.py'
train_dataloader = dict(dataset=dict(data_prefix=dict(seg_map_path='PseudoLabels/EPS')))
