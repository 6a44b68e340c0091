# DeepLab-v2 ResNet-101 from the COCO-pretrained caffe weights that DST-CBC and Simple
# Baseline start from (converted to torchvision keys by DST-CBC's convert_coco_resnet101.py;
# file `resnet101COCO-41f33a49.pth`). Those weights expect BGR input minus the caffe mean
# with unit std, and their BatchNorm is kept frozen (statistics and affine parameters).
_base_ = './deeplabv2_r101-d8.py'
coco_checkpoint = 'checkpoints/resnet101COCO-41f33a49.pth'
model = dict(
    data_preprocessor=dict(mean=[104.008, 116.669, 122.675], std=[1.0, 1.0, 1.0],
                           bgr_to_rgb=False),
    backbone=dict(
        norm_cfg=dict(type='BN', requires_grad=False),
        norm_eval=True,
        init_cfg=dict(type='Pretrained', checkpoint=coco_checkpoint)))
