# The supervised stage of `tools/benchmark/results.py`'s DST-CBC studies (and of every study
# whose method starts from a supervised model): the DST-CBC demo's supervised run
# (`configs/demo/deeplabv2_r18-d8_1xb8-0.7k_shapes-cue-112x112-1-20.py`) started from the
# ResNet-18 pretrained on the procedural pretraining corpus, as the papers start from
# ImageNet / COCO weights. `python tools/pretrain_backbones.py --model r18` makes it once.
_base_ = '../demo/deeplabv2_r18-d8_1xb8-0.7k_shapes-cue-112x112-1-20.py'
pretrained = 'checkpoints/pretrained/deeplabv2-r18-d8_pretrain-shapes.pth'
model = dict(
    backbone=dict(init_cfg=dict(_delete_=True, type='Pretrained', checkpoint=pretrained)))
