# ./cityscapes.py on UniMatch's 1_8 protocol: its split lists, and 180 epochs of their
# unlabelled loader as max_iters (the leaves' train_cfg).
_base_ = './cityscapes.py'
num_unlabeled = 2603  # ids in splits/cityscapes/unimatch/1_8_unlabeled.txt
iters_per_epoch = -(-num_unlabeled // _base_.gpus) // _base_.batch_per_gpu
max_iters = _base_.epochs * iters_per_epoch
semi_data = dict(labeled_split=_base_.unimatch_splits + '/1_8_labeled.txt',
                 unlabeled_split=_base_.unimatch_splits + '/1_8_unlabeled.txt')
