# UniMatch V2's model with DINOv2 ViT-B/14 (unimatch_v2.py model_configs['base']): blocks
# 2, 5, 8, 11 into the DPT head with features 128, out_channels [96, 192, 384, 768]. The
# official checkpoint
# (https://dl.fbaipublicfiles.com/dinov2/dinov2_vitb14/dinov2_vitb14_pretrain.pth, the
# release's pretrained/dinov2_base.pth) is expected at checkpoints/dinov2_vitb14_pretrain.pth.
# Everything else as ./dinov2_vits14_dpt.py.
_base_ = './dinov2_vits14_dpt.py'
model = dict(
    backbone=dict(
        arch='vit_base',
        init_cfg=dict(checkpoint='checkpoints/dinov2_vitb14_pretrain.pth')),
    decode_head=dict(
        in_channels=768,
        channels=128,
        post_process_channels=(96, 192, 384, 768)))
