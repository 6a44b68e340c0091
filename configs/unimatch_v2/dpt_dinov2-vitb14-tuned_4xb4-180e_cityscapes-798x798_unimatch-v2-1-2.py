# UniMatch V2 (Yang et al., TPAMI 2025: an EMA teacher labels the weak view; two CutMixed strong
# views go through the student in one pass, with complementary channel dropout on their
# features), a trained DINOv2 ViT-B/14 with a DPT head, Cityscapes with 1/2 of the labels
# (UniMatch's splits/cityscapes/1_2: 1488 labelled, 1487 unlabelled train images).
# Reproduces the UniMatch V2 README's Cityscapes table (DINOv2-Base): 85.1 mIoU on val, the best
# EMA-teacher mIoU of the run
# (training-logs/table02-cityscapes_unimatch_v2_1_2labels_dinov2_base.log).
# Released recipe (LiheYoung/UniMatch-V2 unimatch_v2.py, configs/cityscapes.yaml, backbone
# dinov2_base): ./_base_/dinov2-vitb14.py + ./_base_/cityscapes.py (this split:
# ./_base_/cityscapes-1-2.py). Schedule: max_iters 33480 = 180 epochs x 186 iterations
# (ceil(1487 / 4 GPUs) // 2 per GPU, the release's unlabelled loader); student and teacher
# validated every epoch, the best of each kept.
# Deviations from the release: OHEM loss averaged over all labelled pixels; logits, not
# probabilities, averaged over the slide windows; padding after normalisation (details:
# ./_base_/cityscapes.py and the bases it names).
#   bash tools/dist_train.sh configs/unimatch_v2/dpt_dinov2-vitb14-tuned_4xb4-180e_cityscapes-798x798_unimatch-v2-1-2.py 4
# Not run here (no GPU, no data).
_base_ = ['./_base_/dinov2-vitb14.py', './_base_/cityscapes-1-2.py']
model = _base_.model_overrides
train_cfg = dict(max_iters=_base_.max_iters, val_interval=_base_.iters_per_epoch)
