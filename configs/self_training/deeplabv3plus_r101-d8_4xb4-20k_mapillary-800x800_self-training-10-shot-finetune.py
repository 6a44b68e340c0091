# Zhu et al. (paper 004), §3.4 / §4.5 (Fig. 3), cross-domain generalisation, step 2: fine-tune
# on few labelled Mapillary images (66 classes; the 10-samples-per-class case: 33.3 mIoU
# from the self-trained source model vs 26.0 from the fine-only model). `load_from` the
# cross-domain source model (deeplabv3plus_..._cross-domain-source.py) for "ours", or the
# Cityscapes teacher for the conventional fine-tuning baseline; the 19-class classifiers
# do not load (new classes) and start from scratch. LR 0.002 (the paper's fine-tuning LR);
# the paper gives no length: 20k iterations here. List the few-shot images (Mapillary ids)
# in data/mapillary/data_lists/10_shot.txt.
#   bash tools/dist_train.sh configs/self_training/deeplabv3plus_r101-d8_4xb4-20k_mapillary-800x800_self-training-10-shot-finetune.py 4 \
#     --cfg-options load_from=work_dirs/<source model>/best_mIoU_iter_*.pth
_base_ = [
    'mmseg::_base_/models/deeplabv3plus_r50-d8.py', 'mmseg::_base_/datasets/mapillary_v1.py',
    '../_base_/default_runtime.py', 'mmseg::_base_/schedules/schedule_20k.py'
]
crop_size = (800, 800)
data_preprocessor = dict(_base_.data_preprocessor, size=crop_size)
# The wrapper of the self-training checkpoints (a plain segmentor's checkpoint loads too),
# trained on labelled images only.
model = dict(
    _delete_=True,
    type='SemiSupervisedSegmentor',
    data_preprocessor=data_preprocessor,
    segmentor=dict(
        _base_.model,
        pretrained=None,
        backbone=dict(_base_.model.backbone, depth=101),
        decode_head=dict(_base_.model.decode_head, num_classes=66),
        auxiliary_head=dict(_base_.model.auxiliary_head, num_classes=66)))
# mmseg's Mapillary pipeline with an 800x800 crop and no cap on a class's share of the crop.
train_pipeline = [
    dict(type='RandomCrop', crop_size=crop_size) if t['type'] == 'RandomCrop' else t
    for t in _base_.train_pipeline
]
train_dataloader = dict(
    batch_size=4,
    dataset=dict(ann_file='data_lists/10_shot.txt', pipeline=train_pipeline))
optim_wrapper = dict(optimizer=dict(lr=0.002, momentum=0.9, weight_decay=1e-4))
load_from = None  # set: the model to fine-tune
val_cfg = dict(_scope_='mmnoisy')
test_cfg = dict(_scope_='mmnoisy')
