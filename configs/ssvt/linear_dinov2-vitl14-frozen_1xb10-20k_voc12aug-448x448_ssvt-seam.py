# SSVT backbone comparison: frozen DINOv2 ViT-L/14, SEAM pseudo labels.
# No paper number: the paper uses ViT-B/14 (71.2, Table 2); see the ViT-S config.
_base_ = './linear_dinov2-vitb14-frozen_1xb10-20k_voc12aug-448x448_ssvt-seam.py'
checkpoint = 'checkpoints/dinov2_vitl14_pretrain.pth'
model = dict(backbone=dict(arch='vit_large', init_cfg=dict(checkpoint=checkpoint)),
             decode_head=dict(in_channels=1024))
