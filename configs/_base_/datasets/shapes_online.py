# The procedural shapes data for online weak-to-strong training (FixMatch, UniMatch, UniMatch
# V2): `shapes_semi.py`'s spec, whose unlabelled images also get two strong views
# (UniMatch's colour jitter / grayscale / blur, after the shared resize-crop-flip), and the
# training batches of `SemiDataSpec.online_dataloader`. The methods' schedule bases set
# the batch composition (`source_ratio`).
_base_ = './shapes_semi.py'
semi_data = dict(strong_views=dict(type='StrongViews', num_views=2))
train_dataloader = dict(_delete_=True, semi_data='online')
# Strong views that keep each pixel's hue (UniMatch's colour jitter without its hue term, no
# grayscale, blur as released), for the colour-cue variant, whose classes differ by colour:
# the ablations in configs/demo/*keep-hue* use them (docs/unimatch.md).
hue_keeping_views = [
    dict(type='ColorJitter', brightness=0.5, contrast=0.5, saturation=0.5, hue=0.0, prob=0.8),
    dict(type='RandomGaussianBlur', sigma_range=(0.1, 2.0), prob=0.5),
]
