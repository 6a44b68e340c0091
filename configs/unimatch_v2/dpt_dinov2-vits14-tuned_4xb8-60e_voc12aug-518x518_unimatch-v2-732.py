# UniMatch V2 (Yang et al., TPAMI 2025: an EMA teacher labels the weak view; two CutMixed strong
# views go through the student in one pass, with complementary channel dropout on their
# features), a trained DINOv2 ViT-S/14 with a DPT head, VOC 2012 aug with 732 labelled images
# (UniMatch's splits/pascal/732: 732 labelled VOC train images, 9850 unlabelled train_aug
# images).
# The UniMatch V2 README reports DINOv2-Base only; the release's DINOv2-Small run of this split
# (training-logs/table01-pascal_unimatch_v2_732labels_dinov2_small.log) reaches 86.69 best
# EMA-teacher mIoU on val (the quantity the README reports from the Base logs).
# Released recipe (LiheYoung/UniMatch-V2 unimatch_v2.py, configs/pascal.yaml, backbone
# dinov2_small): ./_base_/dinov2-vits14.py + ./_base_/voc12aug.py (this split:
# ./_base_/voc12aug-732.py). Schedule: max_iters 36900 = 60 epochs x 615 iterations (ceil(9850 /
# 4 GPUs) // 4 per GPU, the release's unlabelled loader); student and teacher validated every
# epoch, the best of each kept.
# Deviations from the release: at test time the image is padded to a multiple of 14, not resized
# to the nearest one; resize bound 500 px; padding after normalisation (details:
# ./_base_/voc12aug.py and the bases it names).
#   bash tools/dist_train.sh configs/unimatch_v2/dpt_dinov2-vits14-tuned_4xb8-60e_voc12aug-518x518_unimatch-v2-732.py 4
# Not run here (no GPU, no data).
_base_ = ['./_base_/dinov2-vits14.py', './_base_/voc12aug-732.py']
model = _base_.model_overrides
train_cfg = dict(max_iters=_base_.max_iters, val_interval=_base_.iters_per_epoch)
