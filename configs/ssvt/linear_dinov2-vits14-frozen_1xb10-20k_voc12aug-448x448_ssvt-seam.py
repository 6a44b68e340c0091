# SSVT backbone comparison: frozen DINOv2 ViT-S/14, SEAM pseudo labels.
# No paper number: the paper uses ViT-B/14 (71.2, Table 2) and compares pretraining methods
# (Table 3: DINOv1 58.9, iBOT-L 65.2, DINOv2 71.2), not DINOv2 sizes.
_base_ = './linear_dinov2-vitb14-frozen_1xb10-20k_voc12aug-448x448_ssvt-seam.py'
checkpoint = 'checkpoints/dinov2_vits14_pretrain.pth'
model = dict(backbone=dict(arch='vit_small', init_cfg=dict(checkpoint=checkpoint)),
             decode_head=dict(in_channels=384))
