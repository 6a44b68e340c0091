# SSVT's model: a frozen DINOv2 ViT-B/14 and DINOv2's linear probe (BN + 1x1 conv on the last
# block's patch tokens, logits at 1/14 upsampled bilinearly). The official checkpoint
# (https://dl.fbaipublicfiles.com/dinov2/dinov2_vitb14/dinov2_vitb14_pretrain.pth) is expected
# at checkpoints/dinov2_vitb14_pretrain.pth and loads strictly as it is.
_base_ = './encoder_decoder.py'
model = dict(
    _scope_='mmnoisy',
    backbone=dict(
        type='DINOv2',
        arch='vit_base',
        out_indices=(-1, ),
        frozen=True,
        init_cfg=dict(type='Pretrained', checkpoint='checkpoints/dinov2_vitb14_pretrain.pth')),
    decode_head=dict(
        type='BNHead',
        in_channels=768,
        in_index=0,
        num_classes=21,
        dropout_ratio=0.0,
        norm_cfg=_base_.norm_cfg,
        align_corners=False,
        # Paper Eq. 1 divides the masked cross-entropy by all H*W pixels (avg_non_ignore=False);
        # avg_non_ignore=True averages over labelled pixels only (docs/ssvt.md).
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0,
                         avg_non_ignore=False)),
    # 448 x 448 windows (a multiple of 14) over test images resized to a 448 px short side.
    test_cfg=dict(mode='slide', crop_size=(448, 448), stride=(298, 298)))
