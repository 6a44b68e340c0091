# The procedural shapes data for online weak-to-strong training (FixMatch, UniMatch, UniMatch
# V2): `shapes_semi.py`'s spec, whose unlabelled images also get two strong views
# (UniMatch's colour jitter / grayscale / blur, after the shared resize-crop-flip), and the
# training batches of `SemiDataSpec.online_dataloader`. The methods' schedule bases set
# the batch composition (`source_ratio`).
_base_ = './shapes_semi.py'
semi_data = dict(strong_views=dict(type='StrongViews', num_views=2))
train_dataloader = dict(_delete_=True, semi_data='online')
