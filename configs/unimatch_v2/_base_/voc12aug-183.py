# ./voc12aug.py on UniMatch's 183 protocol: its split lists, and 60 epochs of their
# unlabelled loader as max_iters (the leaves' train_cfg).
_base_ = './voc12aug.py'
num_unlabeled = 10399  # ids in splits/voc12/unimatch/183_unlabeled.txt
iters_per_epoch = -(-num_unlabeled // _base_.gpus) // _base_.batch_per_gpu
max_iters = _base_.epochs * iters_per_epoch
semi_data = dict(labeled_split=_base_.unimatch_splits + '/183_labeled.txt',
                 unlabeled_split=_base_.unimatch_splits + '/183_unlabeled.txt')
