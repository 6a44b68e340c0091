# The baseline of `tools/demo.py --method ssvt`: the same pretrained tiny ViT/14, head,
# scribbles and schedule as the SSVT run, with the backbone trained end to end
# (`frozen=False`, every parameter in the optimizer): plain fine-tuning, the paper's
# Table 4 "Tuning" column (DINOv2 SEAM: 64.5 tuned vs 71.2 frozen).
_base_ = './linear_dinov2-tiny-frozen_1xb8-0.5k_shapes-112x112_ssvt-scribble.py'
model = dict(backbone=dict(frozen=False))
