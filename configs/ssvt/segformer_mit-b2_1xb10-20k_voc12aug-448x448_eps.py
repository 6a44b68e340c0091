# Baseline for SSVT (paper 003): SegFormer MiT-B2 on EPS pseudo labels.
# Reproduces Table 2, SegFormer, EPS: 69.0 mIoU (SSVT: 74.1).
_base_ = './segformer_mit-b2_1xb10-20k_voc12aug-448x448_seam.py'
train_dataloader = dict(dataset=dict(data_prefix=dict(seg_map_path='PseudoLabels/EPS')))
