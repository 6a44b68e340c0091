# SSVT in `tools/demo.py --method ssvt`: the tiny DINOv2-layout ViT/14 pretrained on the
# procedural pretraining corpus (`python tools/pretrain_backbones.py --model vit`), frozen,
# under DINOv2's linear probe (BN + 1x1 conv), trained on scribbles synthesised from the
# procedural shapes data's labels (shapes_scribble.py), 500 iterations of batch 8, scored
# densely on its 200 val images. Deviations from the paper's recipe (SGD lr 1e-3, 20k
# iterations, crop 448): lr 0.01 for 500 iterations, crop 112, and the loss averaged over the
# labelled pixels (`avg_non_ignore=True`; Eq. 1 divides by all pixels, which at 6% coverage
# is a 16x smaller step), as in the demo's two other runs.
_base_ = [
    '../_base_/models/dinov2-tiny_bn-linear_pretrained-shapes.py',
    '../_base_/datasets/shapes_scribble.py', '../_base_/default_runtime.py',
    '../_base_/schedules/linear_probe.py'
]
crop_size = (112, 112)
model = dict(
    data_preprocessor=dict(size=crop_size),
    decode_head=dict(loss_decode=dict(avg_non_ignore=True)))
