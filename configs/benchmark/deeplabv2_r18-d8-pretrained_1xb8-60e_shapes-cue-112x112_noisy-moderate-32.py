# Plain cross entropy on noisy labels from the pretrained ResNet-18, the baseline of
# `tools/benchmark/results.py`'s ADELE studies: the ADELE demo's baseline
# (`configs/demo/deeplabv2_r18-d8_1xb8-60e_shapes-cue-112x112_noisy-moderate-32.py`: the
# `moderate` noisy labels of the first 32 colour-cue train images, 60 epochs of 4
# iterations, clean val on the first 100 val images, curves recorded, nothing corrected)
# started from the backbone pretrained on the procedural corpus, as the paper starts from
# ImageNet weights. Other tiers: `train_dataloader.dataset.dataset.data_prefix.
# seg_map_path=SegmentationClassNoisy_<tier>`. `python tools/pretrain_backbones.py --model
# r18` makes the backbone once.
_base_ = '../demo/deeplabv2_r18-d8_1xb8-60e_shapes-cue-112x112_noisy-moderate-32.py'
pretrained = 'checkpoints/pretrained/deeplabv2-r18-d8_pretrain-shapes.pth'
model = dict(
    backbone=dict(init_cfg=dict(_delete_=True, type='Pretrained', checkpoint=pretrained)))
