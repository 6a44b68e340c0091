# Zhu et al. on the procedural shapes data, CPU scale: the student of Table 2a ("w/o CS",
# 7:1): as deeplabv2_r18-d8_1xb8-0.3k_shapes-112x112_self-training-1-8-student-7-1-cs.py, but every source is drawn in
# shuffled passes and cropped at random (CentroidCrop without a centroid = RandomCrop).
_base_ = './deeplabv2_r18-d8_1xb8-0.3k_shapes-112x112_self-training-1-8-student-7-1-cs.py'
semi_data = dict(source_samplers=None)
