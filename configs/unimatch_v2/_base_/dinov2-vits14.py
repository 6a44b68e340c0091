# UniMatch V2 with a trained DINOv2 ViT-S/14 + DPT head (../../_base_/models/dinov2_vits14_dpt.py)
# and the released optimisation and method (../../_base_/schedules/unimatch_v2.py: AdamW
# backbone 5e-6, rest 2e-4, poly; EMA teacher 0.996, complementary dropout, two strong views
# CutMixed with the batch flipped, threshold 0.95; student and teacher validated). Leaves add
# the data (./voc12aug.py or ./cityscapes.py) and merge its `model_overrides`.
_base_ = [
    '../../_base_/models/dinov2_vits14_dpt.py', '../../_base_/default_runtime.py',
    '../../_base_/schedules/unimatch_v2.py'
]
model = dict(_base_.online_segmentor, segmentor=_base_.model,
             data_preprocessor=_base_.data_preprocessor)
