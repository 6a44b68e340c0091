# DST-CBC, Cityscapes at half resolution with 1/8 of the labels (371 labelled; split 0 of
# `tools/make_splits.py data/cityscapes/data_lists/train.txt --preset cityscapes`).
# Reproduces paper Table 4, 1/8: 60.5 mIoU on val (DeepLab-v2 ResNet-101, COCO-pretrained;
# the paper doubles the learning rate to 4e-3 on Cityscapes). gamma 9 (fewer than 1000 labels).
#   python tools/train.py configs/dst_cbc/deeplabv2_r101-d8_1xb8-5rounds_cityscapes-257x513_dst-cbc-1-8.py
# Expected time (estimated from the iteration count: ~4k supervised + 5 x 4.2k round
# iterations at 257x513, plus 5 pseudo-labelling passes): ~2.5 GPU hours. Not measured here.
_base_ = [
    '../_base_/models/deeplabv2_r101-d8_coco-frozen-bn.py',
    '../_base_/datasets/cityscapes_half_semi.py', '../_base_/default_runtime.py',
    '../_base_/schedules/dst_cbc.py'
]
labeled_fraction = 1 / 8
model = dict(_base_.semi_segmentor,
             segmentor=dict(_base_.model, decode_head=dict(_base_.model.decode_head,
                                                            num_classes=_base_.num_classes)),
             data_preprocessor=dict(_base_.data_preprocessor, size=_base_.crop_size))
optim_wrapper = dict(optimizer=dict(lr=4e-3))  # doubled on Cityscapes (paper 4.2)
train_cfg = dict(sup_epochs=_base_.sup_epochs_scale * (1 / labeled_fraction)**0.5)
