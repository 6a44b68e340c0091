# Linear probe of the pretrained ViT (docs/pretrained.md): the tiny DINOv2-layout ViT/14
# frozen, under DINOv2's linear head (BN + 1x1 conv on the last block), trained 500 iterations
# on the 50 labelled images of the colour-cue data's 1/20 split and scored on its 200 val
# images. `tools/pretrain_backbones.py --model vit` runs it on the pretrained and on a random
# backbone.
_base_ = [
    '../_base_/models/dinov2-tiny_bn-linear_pretrained-shapes.py',
    '../_base_/datasets/shapes_cue_1-20.py', '../_base_/default_runtime.py',
    '../_base_/schedules/linear_probe.py'
]
crop_size = (112, 112)
model = dict(data_preprocessor=dict(size=crop_size))
