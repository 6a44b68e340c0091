# UniMatch V2 (Yang et al., TPAMI 2025: an EMA teacher labels the weak view; two CutMixed strong
# views go through the student in one pass, with complementary channel dropout on their
# features), a trained DINOv2 ViT-S/14 with a DPT head, VOC 2012 aug with 92 labelled images
# (UniMatch's splits/pascal/92: 92 labelled VOC train images, 10490 unlabelled train_aug
# images).
# The UniMatch V2 README reports DINOv2-Base only; the release's DINOv2-Small run of this split
# (training-logs/table01-pascal_unimatch_v2_92labels_dinov2_small.log) reaches 79.03 best
# EMA-teacher mIoU on val (the quantity the README reports from the Base logs).
# Released recipe (LiheYoung/UniMatch-V2 unimatch_v2.py, configs/pascal.yaml, backbone
# dinov2_small): ./_base_/dinov2-vits14.py + ./_base_/voc12aug.py (this split:
# ./_base_/voc12aug-92.py). Schedule: max_iters 39300 = 60 epochs x 655 iterations (ceil(10490 /
# 4 GPUs) // 4 per GPU, the release's unlabelled loader); student and teacher validated every
# epoch, the best of each kept.
# Deviations from the release: at test time the image is padded to a multiple of 14, not resized
# to the nearest one; resize bound 500 px; padding after normalisation (details:
# ./_base_/voc12aug.py and the bases it names).
#   bash tools/dist_train.sh configs/unimatch_v2/dpt_dinov2-vits14-tuned_4xb8-60e_voc12aug-518x518_unimatch-v2-92.py 4
# Not run here (no GPU, no data).
_base_ = ['./_base_/dinov2-vits14.py', './_base_/voc12aug-92.py']
model = _base_.model_overrides
train_cfg = dict(max_iters=_base_.max_iters, val_interval=_base_.iters_per_epoch)
