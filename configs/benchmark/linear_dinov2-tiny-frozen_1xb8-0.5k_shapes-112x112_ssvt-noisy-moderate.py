# SSVT on dense noisy labels (`tools/benchmark/results.py`, study `ssvt_noisy`): the SSVT demo
# run (`configs/demo/linear_dinov2-tiny-frozen_1xb8-0.5k_shapes-112x112_ssvt-scribble.py`:
# the pretrained tiny ViT/14 frozen under the linear head, 500 iterations) trained on the
# `moderate` noisy labels of the 1000 train images instead of scribbles: the setting of the
# paper's Table 4 (SEAM pseudo labels: dense and imperfect), where tuning is said to bias
# the backbone towards the label errors.
_base_ = [
    '../_base_/models/dinov2-tiny_bn-linear_pretrained-shapes.py',
    '../_base_/datasets/shapes_noisy.py', '../_base_/default_runtime.py',
    '../_base_/schedules/linear_probe.py'
]
crop_size = (112, 112)
model = dict(
    data_preprocessor=dict(size=crop_size),
    decode_head=dict(loss_decode=dict(avg_non_ignore=True)))
