# Zhu et al. on the procedural shapes data, CPU scale: the student of Table 2a ("w/o CS",
# 7:1): as deeplabv2_r18-d8_shapes-1-8_student-7-1_cs.py, but every source is drawn in
# shuffled passes and cropped at random (CentroidCrop without a centroid = RandomCrop).
_base_ = './deeplabv2_r18-d8_shapes-1-8_student-7-1_cs.py'
semi_data = dict(source_samplers=None)
