# UniMatch V2 (Yang et al., TPAMI 2025: an EMA teacher labels the weak view; two CutMixed strong
# views go through the student in one pass, with complementary channel dropout on their
# features), a trained DINOv2 ViT-B/14 with a DPT head, VOC 2012 aug with 1464 labelled images
# (UniMatch's splits/pascal/1464: 1464 labelled VOC train images, 9118 unlabelled train_aug
# images).
# Reproduces the UniMatch V2 README's Pascal VOC 2012 table (DINOv2-Base): 90.8 mIoU on val, the
# best EMA-teacher mIoU of the run
# (training-logs/table01-pascal_unimatch_v2_1464labels_dinov2_base.log).
# Released recipe (LiheYoung/UniMatch-V2 unimatch_v2.py, configs/pascal.yaml, backbone
# dinov2_base): ./_base_/dinov2-vitb14.py + ./_base_/voc12aug.py (this split:
# ./_base_/voc12aug-1464.py). Schedule: max_iters 34200 = 60 epochs x 570 iterations (ceil(9118
# / 4 GPUs) // 4 per GPU, the release's unlabelled loader); student and teacher validated every
# epoch, the best of each kept.
# Deviations from the release: at test time the image is padded to a multiple of 14, not resized
# to the nearest one; resize bound 500 px; padding after normalisation (details:
# ./_base_/voc12aug.py and the bases it names).
#   bash tools/dist_train.sh configs/unimatch_v2/dpt_dinov2-vitb14-tuned_4xb8-60e_voc12aug-518x518_unimatch-v2-1464.py 4
# Not run here (no GPU, no data).
_base_ = ['./_base_/dinov2-vitb14.py', './_base_/voc12aug-1464.py']
model = _base_.model_overrides
train_cfg = dict(max_iters=_base_.max_iters, val_interval=_base_.iters_per_epoch)
