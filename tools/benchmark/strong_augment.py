"""StrongAugment vs the same 17 operations composed from albumentations, side by side.

    pip install albumentations   # benchmark-only extra, not a dependency of mmnoisy
    python tools/benchmark/strong_augment.py [--images 64] [--size 512] [--repeats 3]

Both get the same uint8 images (the procedural data's first ``--images`` JPEGs resized to
``--size`` squared, or random smooth images without it). Reported: images per second of the
whole pool (3 distinct ops per image) and the time of each op alone, one thread (OpenCV and
OpenMP), the best of ``--repeats`` runs, interleaved. The albumentations counterparts are the
nearest ops it has; where its semantics differ, the table says so (``approx.``).
"""
import argparse
import glob
import time

import cv2
import numpy as np

from mmnoisy.datasets.transforms.strong_augment import OPS, StrongAugment

# name: (albumentations transform, exact counterpart?)
def albumentations_ops():
    import albumentations as A
    m = StrongAugment().magnitudes
    return dict(
        contrast_gamma=(A.RandomGamma(gamma_limit=(100 * m['contrast_gamma'], ) * 2, p=1), True),
        contrast_linear=(A.RandomBrightnessContrast(
            brightness_limit=0, contrast_limit=(m['contrast_linear'] - 1, ) * 2, p=1),
            False),  # around the image mean, not 127
        brightness=(A.RandomBrightnessContrast(brightness_limit=(16 / 255, 16 / 255),
                                               contrast_limit=0, p=1), True),
        brightness_channel=(A.RGBShift(r_shift_limit=(16, 16), g_shift_limit=(16, 16),
                                       b_shift_limit=(16, 16), p=1), True),
        equalize=(A.Equalize(mode='cv', by_channels=False, p=1), False),  # YCrCb luma
        hsv=(A.HueSaturationValue(hue_shift_limit=20, sat_shift_limit=20, val_shift_limit=0,
                                  p=1), True),
        invert_channel=(A.InvertImg(p=1), False),  # every channel
        blur=(A.GaussianBlur(blur_limit=(5, 5), sigma_limit=(m['blur'], ) * 2, p=1), True),
        noise_gau=(A.GaussNoise(std_range=(m['noise_gau'] / 255, ) * 2, per_channel=False,
                                p=1), True),
        noise_pos=(A.ShotNoise(scale_range=(0.05, 0.05), p=1), False),  # Poisson of intensity
        channel_shuffle=(A.ChannelShuffle(p=1), True),
        dropout=(A.PixelDropout(dropout_prob=0.35, per_channel=True, p=1), True),
        coarse_dropout=(A.CoarseDropout(num_holes_range=(2, 5), hole_height_range=(0.2, 0.33),
                                        hole_width_range=(0.2, 0.33), p=1), False),  # holes
        multiply=(A.MultiplicativeNoise(multiplier=(0.25, 2.5), per_channel=True,
                                        elementwise=False, p=1), True),
        salt_pepper=(A.SaltAndPepper(amount=(0, 0.1), p=1), True),
        solarize=(A.Solarize(threshold_range=(0.25, 0.75), p=1), True),
        jpeg_compression=(A.ImageCompression(quality_range=(7, 17), p=1), True),
    )


def load_images(num, size):
    paths = sorted(glob.glob('data/shapes/JPEGImages/*.jpg'))[:num]
    if paths:
        return [cv2.resize(cv2.imread(p), (size, size)) for p in paths]
    rng = np.random.default_rng(0)
    return [cv2.GaussianBlur(rng.integers(0, 256, (size, size, 3), dtype=np.uint8), (15, 15), 5)
            for _ in range(num)]


def best_time(fn, images, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for img in images:
            fn(img)
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--images', type=int, default=64)
    parser.add_argument('--size', type=int, default=512)
    parser.add_argument('--repeats', type=int, default=3)
    args = parser.parse_args()
    import albumentations as A
    cv2.setNumThreads(1)
    images = load_images(args.images, args.size)
    albu = albumentations_ops()
    rng = np.random.default_rng(0)
    ours_pool = StrongAugment(num_ops=3)
    albu_pool = A.SomeOf([t for t, _ in albu.values()], n=3, replace=False, p=1)
    A_seed = A.Compose([albu_pool], seed=0)
    rows = []
    for name, func in OPS.items():
        transform, exact = albu[name]
        ours = best_time(lambda img: func(img, rng, ours_pool.magnitudes), images, args.repeats)
        theirs = best_time(lambda img: transform(image=img)['image'], images, args.repeats)
        rows.append((name, ours, theirs, exact))
    ours = best_time(lambda img: ours_pool.augment(img, rng), images, args.repeats)
    theirs = best_time(lambda img: A_seed(image=img)['image'], images, args.repeats)
    n = len(images)
    print(f'{n} images of {args.size}x{args.size}, one thread, best of {args.repeats}\n')
    print('| op | StrongAugment (ms) | albumentations (ms) | ratio | counterpart |')
    print('| --- | --- | --- | --- | --- |')
    for name, a, b, exact in rows:
        print(f'| {name} | {1e3 * a / n:.2f} | {1e3 * b / n:.2f} | {b / a:.2f}x | '
              f'{"same op" if exact else "approx."} |')
    print(f'| **pool, 3 ops per image** | {1e3 * ours / n:.2f} ({n / ours:.0f} img/s) | '
          f'{1e3 * theirs / n:.2f} ({n / theirs:.0f} img/s) | {theirs / ours:.2f}x | |')


if __name__ == '__main__':
    main()
