# The reference of `tools/demo.py --method ssvt`: the SSVT run with the tiny ViT/14 left at
# its random initialisation (frozen): what the linear probe gets from the architecture
# alone, i.e. how much of the SSVT run's score the pretraining gives.
_base_ = './linear_dinov2-tiny-frozen_1xb8-0.5k_shapes-112x112_ssvt-scribble.py'
model = dict(backbone=dict(init_cfg=None))
