# Simple Baseline ablation (paper Table 6), DeepLab-v2 ResNet-101 (ImageNet), Cityscapes at
# half resolution (crop 257x513, as the DeepLab-v2 semi-supervised literature), 1/8 labels
# (371 labelled; split 0 of `tools/make_splits.py ... --preset cityscapes`).
# Rung "s.t.": the supervised teacher pseudo-labels the unlabelled images (multi-scale + flip,
# argmax); the student (initialised from it) trains on 4 labelled + 4 pseudo-labelled images
# per batch with cross entropy, weak pipeline, plain BN. Table 6 row 2: 62.1 mIoU on val
# (supervised, row 1: 60.6).
#   python tools/train.py configs/simple_baseline/deeplabv2_r101-d8_1xb8-1round_cityscapes-257x513_simple-baseline-1-8-st.py
# Not run here (no GPU, no Cityscapes); expected several GPU hours (40k + 20k iterations).
_base_ = [
    '../_base_/models/deeplabv2_r101-d8.py', '../_base_/datasets/cityscapes_half_semi.py',
    '../_base_/default_runtime.py', '../_base_/schedules/simple_baseline.py'
]
model = dict(_base_.semi_segmentor,
             segmentor=dict(_base_.model, decode_head=dict(_base_.model.decode_head,
                                                            num_classes=_base_.num_classes)),
             data_preprocessor=dict(_base_.data_preprocessor, size=_base_.crop_size))
