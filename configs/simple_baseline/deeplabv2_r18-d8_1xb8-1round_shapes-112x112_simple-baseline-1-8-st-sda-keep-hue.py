# Ablation of rung "+SDA" on the colour-cue data, whose classes are told apart by their
# colours: the strong augmentation draws its 3 ops from the 9 of the 17 that keep each
# pixel's hue. Dropped: hsv (shifts the hue), invert_channel, channel_shuffle and solarize
# (map one colour onto another), multiply (a factor per channel), dropout, coarse_dropout and
# salt_pepper (zero or saturate single channels). brightness_channel stays: its released
# shift is one constant for every channel. Measures how much of +SDA's loss on this data
# comes from recolouring: docs/results.md (simple_baseline_1-8), docs/simple_baseline.md.
_base_ = './deeplabv2_r18-d8_1xb8-1round_shapes-112x112_simple-baseline-1-8-st-sda.py'
semi_data = dict(strong_transforms=[
    dict(type='StrongAugment', num_ops=3,
         ops=['contrast_gamma', 'contrast_linear', 'brightness', 'brightness_channel',
              'equalize', 'blur', 'noise_gau', 'noise_pos', 'jpeg_compression'])
])
