# ADELE on PASCAL VOC 2012 WSSS (paper 000, §3.2; recipe methods.md §1.6): DeepLab-v2 ResNet-101
# trained on user-provided pseudo labels (SEAM, EPS, ... : a folder of PNGs named like the
# VOC ids) with adaptive label correction and multi-scale consistency.
# Paper: SEAM pseudo labels 64.5 -> SEAM + ADELE 69.3 mIoU on VOC val (DeepLab, paper's WSSS
# table); not reproduced here (no VOC/GPU on the development machine).
# Expected time: ~20k iterations x 3 forwards (scales 0.7/1/1.5) at batch 10, crop 448,
# plus one 3-scale pass over 10582 images per corrected epoch, flipped too and refined by a
# CPU dense CRF from epoch 9: roughly a day on one A100-class GPU (estimate, not measured).
# The CRF takes ~1 s per 500x375 image with 21 classes on one shared CPU core (measured), so
# ~3 h per pass on one rank; ranks split the images. It needs pydensecrf (tools/setup_env.sh
# installs it); `--cfg-options custom_hooks.0.crf=False` turns it off.
# Layout: data/VOCdevkit/VOC2012/{JPEGImages, SegmentationClassAug,
#   ImageSets/Segmentation/{trainaug,val}.txt} and the pseudo labels in
#   data/VOCdevkit/VOC2012/<pseudo_label_dir>/<id>.png (or pass an absolute path:
#   --cfg-options train_dataloader.dataset.dataset.data_prefix.seg_map_path=/path/to/seam).
# Corrected labels go to work_dirs/<config>/adele_labels/epoch_<k>/, never over your files.
_base_ = [
    '../_base_/models/deeplabv2_r101-d8.py', '../_base_/datasets/voc12_aug.py',
    '../_base_/default_runtime.py', '../_base_/schedules/adele.py'
]
crop_size = (448, 448)
pseudo_label_dir = 'pseudo_labels_seam'
# Ground truth of the train images, for the IoU_el / IoU_m diagnostics only (never trained
# on). None turns the diagnostics off.
clean_label_dir = None  # e.g. 'SegmentationClassAug'
model = dict(_base_.adele_segmentor, data_preprocessor=dict(size=crop_size))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='LoadExtraLabels', names=_base_.extra_labels),
    # Rescale by a random factor in [0.5, 1.5] of a VOC-sized (~500 px) image.
    dict(type='RandomResize', scale=(500, 500), ratio_range=(0.5, 1.5), keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion'),  # the released code's HSV jitter
    dict(type='PackSegInputsWithExtraLabels', names=_base_.extra_labels),
]
train_dataloader = dict(
    batch_size=10,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        _delete_=True,
        _scope_='mmnoisy',
        type='CorrectableLabelDataset',
        clean_label_dir=clean_label_dir,
        dataset=dict(
            _base_.train_dataloader.dataset,
            data_prefix=dict(img_path='JPEGImages', seg_map_path=pseudo_label_dir),
            ann_file='ImageSets/Segmentation/trainaug.txt',
            pipeline=train_pipeline)))
# 20k iterations at batch 10 on 10582 images = 19 epochs (ADELE decides per epoch).
max_epochs = 19
decoder_lr_mult = 10.0  # the released code's classifier LR
optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys={'decode_head': dict(lr_mult=decoder_lr_mult)}))
param_scheduler = [
    dict(type='PolyLR', power=0.9, eta_min=0, begin=0, end=max_epochs, by_epoch=True,
         convert_to_iter_based=True)
]
train_cfg = dict(max_epochs=max_epochs)
# One IoU record every 100 iterations, and a one-iteration dense CRF on the corrections (the
# authors' example command, `--CRF yes`).
custom_hooks = [dict(_base_.adele_hook, interval=100, crf=True)]
