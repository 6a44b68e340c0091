# SSVT, image-level labels through SEAM's pseudo labels (pseudo-label quality 63.6 mIoU).
# Reproduces Table 1 Class / Table 2 / Table 4 (freezing), Ours: 71.2 mIoU.
# Labels: VOC2012/PseudoLabels/SEAM (dense, noisy; every pixel counts: M_i = 1 in Eq. 1).
_base_ = './linear_dinov2-vitb14-frozen_1xb10-20k_voc12aug-448x448_ssvt-scribble.py'
train_dataloader = dict(dataset=dict(data_prefix=dict(seg_map_path='PseudoLabels/SEAM')))
