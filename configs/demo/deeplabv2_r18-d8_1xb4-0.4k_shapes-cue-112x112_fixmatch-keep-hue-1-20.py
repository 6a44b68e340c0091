# Ablation of `deeplabv2_r18-d8_1xb4-0.4k_shapes-cue-112x112_fixmatch-1-20.py`: strong views
# that keep each pixel's hue, as in `..._unimatch-keep-hue-1-20.py`. docs/unimatch.md.
_base_ = './deeplabv2_r18-d8_1xb4-0.4k_shapes-cue-112x112_fixmatch-1-20.py'
semi_data = dict(strong_views=dict(transforms=_base_.hue_keeping_views))
