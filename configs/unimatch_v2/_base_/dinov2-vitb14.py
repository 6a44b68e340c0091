# UniMatch V2 with a trained DINOv2 ViT-B/14 + DPT head: ./dinov2-vits14.py with
# ../../_base_/models/dinov2_vitb14_dpt.py.
_base_ = [
    '../../_base_/models/dinov2_vitb14_dpt.py', '../../_base_/default_runtime.py',
    '../../_base_/schedules/unimatch_v2.py'
]
model = dict(_base_.online_segmentor, segmentor=_base_.model,
             data_preprocessor=_base_.data_preprocessor)
