# UniMatch V2's VOC 2012 aug data and schedule (LiheYoung/UniMatch-V2 configs/pascal.yaml):
# UniMatch's splits and geometry (../../_base_/datasets/voc12_aug_online.py) with a 518 crop,
# 4 GPUs x (4 labelled + 4 unlabelled images), 60 epochs of the unlabelled loader
# (ceil(N_u / gpus) // batch_per_gpu batches each: ./voc12aug-<labels>.py count them),
# validation of student and EMA teacher after every epoch on the 1449 val images, whole
# (the release resizes each image to the nearest multiple of 14 and the logits back; here
# the preprocessor pads to a multiple of 14, see the model base).
_base_ = '../../_base_/datasets/voc12_aug_online.py'
gpus = 4
batch_per_gpu = 4  # configs/pascal.yaml batch_size, per GPU
epochs = 60
crop_size = (518, 518)
train_pipeline = [
    dict(t, crop_size=crop_size) if t['type'] == 'RandomCrop' else t
    for t in _base_.train_pipeline
]
semi_data = dict(source_ratio=(batch_per_gpu, batch_per_gpu), train_pipeline=train_pipeline)
model_overrides = dict(data_preprocessor=dict(size=crop_size))
