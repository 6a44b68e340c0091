# UniMatch V2's model at CPU size (as configs/unimatch_v2/dinov2-tiny_dpt_...): the tiny
# DINOv2-layout ViT/14 (embed 96, 6 blocks, 3 heads, 112 px), trained, whose blocks 1, 2, 4, 5
# feed the DPT head (features 32), started from its backbone pretrained on the procedural
# pretraining corpus (`python tools/pretrain_backbones.py --model vit`, docs/pretrained.md).
_base_ = './dinov2_vits14_dpt.py'
pretrained = 'checkpoints/pretrained/dinov2-tiny_pretrain-shapes.pth'
model = dict(
    backbone=dict(arch=dict(_delete_=True, embed_dim=96, depth=6, num_heads=3, ffn='mlp'),
                  img_size=112,
                  out_indices=(1, 2, 4, 5),
                  init_cfg=dict(type='Pretrained', checkpoint=pretrained)),
    decode_head=dict(in_channels=96, channels=32, post_process_channels=(24, 48, 96, 96),
                     num_classes=9))
