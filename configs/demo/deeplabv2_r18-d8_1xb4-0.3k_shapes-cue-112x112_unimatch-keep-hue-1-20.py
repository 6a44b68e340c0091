# Ablation of `deeplabv2_r18-d8_1xb4-0.3k_shapes-cue-112x112_unimatch-1-20.py` on the
# colour-cue data, whose classes are told apart by their colours: strong views that keep
# each pixel's hue (UniMatch's colour jitter without its hue term, no grayscale; blur and
# CutMix as released). Measures how much of UniMatch's loss on this data comes from the
# released strong views erasing the colour cue: docs/unimatch.md.
_base_ = './deeplabv2_r18-d8_1xb4-0.3k_shapes-cue-112x112_unimatch-1-20.py'
semi_data = dict(strong_views=dict(transforms=_base_.hue_keeping_views))
