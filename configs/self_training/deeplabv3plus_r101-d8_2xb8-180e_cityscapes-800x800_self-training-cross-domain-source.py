# Zhu et al. (paper 004), §3.4 / §4.5 (Fig. 3), cross-domain generalisation, step 1: the
# source-domain model trained on Cityscapes fine labels + the teacher's pseudo labels on the
# Mapillary training images (`data_lists/mapillary.txt`, paths with extension under
# data/cityscapes/, see configs/_base_/datasets/cityscapes_self_training.py). As the paper
# says for this experiment: no OHEM and no other non-default option (plain cross entropy,
# random sampling and crops). Step 2 fine-tunes it on few Mapillary labels:
# deeplabv3plus_r101-d8_4xb4-20k_mapillary-800x800_self-training-10-shot-finetune.py.
_base_ = './deeplabv3plus_r101-d8_2xb8-180e_cityscapes-800x800_self-training-student-7-1-cs.py'
model = dict(segmentor=dict(decode_head=dict(sampler=None)))
semi_data = dict(unlabeled_split='data_lists/mapillary.txt', source_samplers=None)
