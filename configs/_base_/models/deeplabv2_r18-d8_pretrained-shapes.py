# The small CPU DeepLab-v2 (deeplabv2_r18-d8.py) started from its backbone pretrained on the
# procedural pretraining corpus, as the papers start from ImageNet / COCO weights. Make the
# checkpoint once with `python tools/pretrain_backbones.py --model r18` (docs/pretrained.md);
# it holds the backbone's own keys, so it loads without `prefix`.
_base_ = './deeplabv2_r18-d8.py'
pretrained = 'checkpoints/pretrained/deeplabv2-r18-d8_pretrain-shapes.pth'
model = dict(
    backbone=dict(init_cfg=dict(_delete_=True, type='Pretrained', checkpoint=pretrained)))
