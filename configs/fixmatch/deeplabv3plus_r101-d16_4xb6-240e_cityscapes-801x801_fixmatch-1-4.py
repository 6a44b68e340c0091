# FixMatch as UniMatch's baseline (LiheYoung/UniMatch fixmatch.py: the weak view's pseudo labels
# learnt on one CutMixed strong view; loss (x + s) / 2), Cityscapes with 1/4 of the labels
# (UniMatch's splits/cityscapes/1_4: 744 labelled, 2231 unlabelled train images).
# The UniMatch README reports no FixMatch number (its tables: SupBaseline, other methods and
# UniMatch, 79.2 mIoU for this split).
# The recipe, schedule and deviations of
# ../unimatch/deeplabv3plus_r101-d16_4xb6-240e_cityscapes-801x801_unimatch-1-4.py (max_iters
# 66960 = 240 epochs x 279 iterations (ceil(2231 / 4 GPUs) // 2 per GPU, the release's
# unlabelled loader)), with one strong view and no feature perturbation.
#   bash tools/dist_train.sh configs/fixmatch/deeplabv3plus_r101-d16_4xb6-240e_cityscapes-801x801_fixmatch-1-4.py 4
# Not run here (no GPU, no data).
_base_ = '../unimatch/deeplabv3plus_r101-d16_4xb6-240e_cityscapes-801x801_unimatch-1-4.py'
semi_data = dict(strong_views=dict(num_views=1))
model = dict(_delete_=True, type='FixMatchSegmentor', conf_thresh=_base_.model.conf_thresh,
             mix_source='second_batch', segmentor=_base_.model.segmentor,
             data_preprocessor=_base_.model.data_preprocessor)
