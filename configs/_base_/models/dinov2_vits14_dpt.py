# UniMatch V2's model (LiheYoung/UniMatch-V2, model/semseg/dpt.py; unimatch_v2.py
# model_configs['small']): a trained DINOv2 ViT-S/14 whose blocks 2, 5, 8, 11 (layer-normed
# patch tokens) feed the DPT head (features 64, out_channels [48, 96, 192, 384]); logits
# upsampled to the input with align_corners=True. The official checkpoint
# (https://dl.fbaipublicfiles.com/dinov2/dinov2_vits14/dinov2_vits14_pretrain.pth, the
# release's pretrained/dinov2_small.pth) is expected at checkpoints/dinov2_vits14_pretrain.pth
# and loads strictly as it is. Optimiser and schedule: ../schedules/unimatch_v2.py.
#
# Inputs should be multiples of 14 (the release trains on 518 / 798 crops): leaves set
# `data_preprocessor=dict(size=crop_size)` with such a crop; at test time the preprocessor
# pads to a multiple of 14 (the release instead resizes the image to the nearest multiple).
# Other sizes still work: DINOv2 pads bottom/right and the head maps its logits back.
_base_ = './encoder_decoder.py'
data_preprocessor = dict(_base_.data_preprocessor, test_cfg=dict(size_divisor=14))
model = dict(
    _scope_='mmnoisy',
    data_preprocessor=data_preprocessor,
    backbone=dict(
        type='DINOv2',
        arch='vit_small',
        out_indices=(2, 5, 8, 11),
        frozen=False,
        init_cfg=dict(type='Pretrained', checkpoint='checkpoints/dinov2_vits14_pretrain.pth')),
    decode_head=dict(
        type='DINOv2DPTHead',
        in_channels=384,
        channels=64,
        post_process_channels=(48, 96, 192, 384),
        in_index=(0, 1, 2, 3),
        num_classes=21,
        dropout_ratio=0.0,
        align_corners=True,
        ignore_index=255,
        # nn.CrossEntropyLoss(ignore_index=255) of the release: mean over labelled pixels.
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0,
                         avg_non_ignore=True)))
