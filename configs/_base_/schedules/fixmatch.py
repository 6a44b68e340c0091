# FixMatch as UniMatch's baseline (LiheYoung/UniMatch fixmatch.py): UniMatch's optimisation,
# threshold and batches, one strong view per unlabelled image (leaves: `semi_data =
# dict(strong_views=dict(num_views=1))`), no feature perturbation.
_base_ = './unimatch.py'
online_segmentor = dict(_delete_=True, type='FixMatchSegmentor', conf_thresh=0.95,
                        mix_source='second_batch')
