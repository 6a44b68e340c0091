# DST-CBC: Dynamic Self-Training and Class-Balanced Curriculum (Feng et al.), PASCAL VOC 2012
# aug with 1/20 of the labels (530 labelled, 10052 unlabelled; split 0 of tools/make_splits.py).
# Reproduces paper Table 3, 1/20: 69.3 mIoU on val (DeepLab-v2 ResNet-101, COCO-pretrained).
#
# One command runs the supervised stage (30 * sqrt(20) epochs of the labelled images) and the
# 5 curriculum rounds (ratios 0.2 ... 1.0, 6 epochs of the unlabelled images each, 4 labelled +
# 4 pseudo-labelled per batch, dynamic loss gamma 9), selecting models on valtiny:
#   python tools/train.py configs/dst_cbc/deeplabv2_r101-d8_1xb8-5rounds_voc12aug-321x321_dst-cbc-1-20.py
#   python tools/test.py configs/dst_cbc/deeplabv2_r101-d8_1xb8-5rounds_voc12aug-321x321_dst-cbc-1-20.py work_dirs/.../best_mIoU_*.pth
# Released-code switches: `model.segmentor.decode_head.dilations=(6, 12)` (the release's
# DeepLab-v2 head uses two rates) and `train_cfg.pseudo_labeler.rule='ratio'` (default; the
# paper's Algorithm 1 is rule='max').
# Expected time (estimated from the iteration count, ~84k iterations at ~0.25 s on one V100,
# plus 5 pseudo-labelling passes): ~6 GPU hours. Not measured here (no GPU).
_base_ = [
    '../_base_/models/deeplabv2_r101-d8_coco-frozen-bn.py',
    '../_base_/datasets/voc12_aug_semi.py', '../_base_/default_runtime.py',
    '../_base_/schedules/dst_cbc.py'
]
labeled_fraction = 1 / 20
model = dict(_base_.semi_segmentor, segmentor=_base_.model,
             data_preprocessor=dict(_base_.data_preprocessor, size=_base_.crop_size))
train_cfg = dict(sup_epochs=_base_.sup_epochs_scale * (1 / labeled_fraction)**0.5)
