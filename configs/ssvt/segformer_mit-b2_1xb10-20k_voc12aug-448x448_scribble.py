# Baseline for SSVT (paper 003): SegFormer MiT-B2 on scribbles (unlabelled pixels ignored).
# No paper number: Table 1's scribble baseline is TEL (77.6); SSVT: 80.1.
_base_ = './segformer_mit-b2_1xb10-20k_voc12aug-448x448_seam.py'
train_dataloader = dict(dataset=dict(data_prefix=dict(seg_map_path='SegmentationScribble')))
