# FixMatch, UniMatch's baseline, on the colour-cue procedural data with 1/20 of the labels:
# `../unimatch/deeplabv2_r18-d8_1xb4-2k_shapes-cue-112x112_unimatch-1-20.py` with one strong
# view per unlabelled image and no feature perturbation. Results: docs/unimatch.md.
_base_ = '../unimatch/deeplabv2_r18-d8_1xb4-2k_shapes-cue-112x112_unimatch-1-20.py'
semi_data = dict(strong_views=dict(num_views=1))
model = dict(_delete_=True, type='FixMatchSegmentor', conf_thresh=0.95,
             mix_source='second_batch', segmentor=_base_.model.segmentor,
             data_preprocessor=_base_.model.data_preprocessor)
