# FixMatch as UniMatch's baseline (LiheYoung/UniMatch fixmatch.py: the weak view's pseudo labels
# learnt on one CutMixed strong view; loss (x + s) / 2), VOC 2012 aug with 92 labelled images
# (UniMatch's splits/pascal/92: 92 labelled VOC train images, 10490 unlabelled train_aug
# images).
# The UniMatch README reports no FixMatch number (its tables: SupBaseline, other methods and
# UniMatch, 75.2 mIoU for this split).
# The recipe, schedule and deviations of
# ../unimatch/deeplabv3plus_r101-d16_4xb6-80e_voc12aug-321x321_unimatch-92.py (max_iters 104880
# = 80 epochs x 1311 iterations (ceil(10490 / 4 GPUs) // 2 per GPU, the release's unlabelled
# loader)), with one strong view and no feature perturbation.
#   bash tools/dist_train.sh configs/fixmatch/deeplabv3plus_r101-d16_4xb6-80e_voc12aug-321x321_fixmatch-92.py 4
# Not run here (no GPU, no data).
_base_ = '../unimatch/deeplabv3plus_r101-d16_4xb6-80e_voc12aug-321x321_unimatch-92.py'
semi_data = dict(strong_views=dict(num_views=1))
model = dict(_delete_=True, type='FixMatchSegmentor', conf_thresh=_base_.model.conf_thresh,
             mix_source='second_batch', segmentor=_base_.model.segmentor,
             data_preprocessor=_base_.model.data_preprocessor)
