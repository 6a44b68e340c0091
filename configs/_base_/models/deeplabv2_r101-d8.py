# DeepLab-v2: ResNet-101 at output stride 8 (dilated stages 3-4, contracted first dilation)
# and the four-branch ASPP classifier head (rates 6/12/18/24, summed).
# The DST-CBC recipe starts from the COCO-pretrained caffe DeepLab-v2 ResNet-101
# (`resnet101COCO-41f33a49.pth`, torchvision key layout, BGR input with the caffe mean): see
# deeplabv2_r101-d8_coco-frozen-bn.py. This file is the ImageNet/torchvision variant.
_base_ = './encoder_decoder.py'
model = dict(
    backbone=dict(
        type='ResNet',
        depth=101,
        num_stages=4,
        out_indices=(3, ),
        strides=(1, 2, 1, 1),
        dilations=(1, 1, 2, 4),
        contract_dilation=True,
        norm_cfg=_base_.norm_cfg,
        norm_eval=False,
        style='pytorch',
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet101')),
    decode_head=dict(
        type='DeepLabV2Head',
        in_channels=2048,
        dilations=(6, 12, 18, 24),
        num_classes=21,
        align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)))
