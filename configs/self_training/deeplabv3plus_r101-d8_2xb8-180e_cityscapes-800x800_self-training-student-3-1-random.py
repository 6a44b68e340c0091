# Zhu et al. (paper 004), Table 2a, student at 3:1 pseudo:real, "w/o CS": 78.7 mIoU on
# Cityscapes val: as the centroid-sampling student, with both sources drawn in shuffled
# passes and cropped at random.
_base_ = './deeplabv3plus_r101-d8_2xb8-180e_cityscapes-800x800_self-training-student-3-1-cs.py'
semi_data = dict(source_samplers=None)
