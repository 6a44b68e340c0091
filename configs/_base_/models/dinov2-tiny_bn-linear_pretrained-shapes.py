# SSVT's model at CPU size: the tiny DINOv2-layout ViT/14 (embed 96, 6 blocks, 3 heads,
# position embeddings for 112 px) pretrained on the procedural pretraining corpus, frozen, and
# DINOv2's linear probe (BN + 1x1 conv on the last block). Make the checkpoint once with
# `python tools/pretrain_backbones.py --model vit` (docs/pretrained.md).
_base_ = './dinov2_vitb14_bn-linear.py'
pretrained = 'checkpoints/pretrained/dinov2-tiny_pretrain-shapes.pth'
vit_tiny = dict(_delete_=True, embed_dim=96, depth=6, num_heads=3, ffn='mlp')
model = dict(
    backbone=dict(arch=vit_tiny, img_size=112,
                  init_cfg=dict(type='Pretrained', checkpoint=pretrained)),
    decode_head=dict(in_channels=96, num_classes=9, norm_cfg=dict(type='BN')),
    test_cfg=dict(_delete_=True, mode='whole'))
