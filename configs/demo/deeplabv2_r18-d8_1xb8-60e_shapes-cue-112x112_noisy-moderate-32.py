# The baseline of `tools/demo.py --method adele`: plain cross entropy on the `moderate` noisy
# labels of the first 32 colour-cue train images, 60 epochs of 4 iterations (batch 8) from
# scratch, clean val on the first 100 val images; the memorization curves recorded every 4
# iterations, nothing corrected. The demo writes the noisy labels and both lists; by hand:
#   python tools/synth_noise.py data/shapes_cue/SegmentationClass \
#       data/shapes_cue/SegmentationClassNoisy_moderate --tier moderate --num-classes 9 \
#       --split data/shapes_cue/ImageSets/Segmentation/train.txt
# This is `tools/benchmark/adele_shapes.sh` with ROOT=data/shapes_cue NTRAIN=32 EPOCHS=60
# (docs/adele.md, "Few images, many epochs"): results over 6 seeds there.
_base_ = '../adele/deeplabv2_r18-d8_1xb8-12e_shapes-112x112_noisy-moderate.py'
data_root = 'data/shapes_cue'
train_list = 'ImageSets/Segmentation/adele_train32.txt'  # the first 32 train ids
val_list = 'ImageSets/Segmentation/adele_val100.txt'  # the first 100 val ids
max_epochs = 60
train_dataloader = dict(dataset=dict(dataset=dict(data_root=data_root, ann_file=train_list)))
val_dataloader = dict(dataset=dict(data_root=data_root, ann_file=val_list))
test_dataloader = val_dataloader
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, begin=0, end=_base_.warmup_iters, by_epoch=False),
    dict(type='PolyLR', power=0.9, eta_min=1e-4, begin=1, end=max_epochs, by_epoch=True,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
custom_hooks = [dict(_base_.custom_hooks[0], interval=4)]
default_hooks = dict(logger=dict(interval=8), checkpoint=dict(max_keep_ckpts=1))
