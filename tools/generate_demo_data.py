"""Generate the procedural shapes dataset (VOC layout) that the demo and tests use.

    python tools/generate_demo_data.py [--out data/shapes] [--num-train 1000] [--seed 0]
    python tools/generate_demo_data.py --colour-cue --out data/shapes_cue  # easier variant
    python tools/generate_demo_data.py --corpus pretrain --out data/pretrain_shapes  # other classes

Deterministic from the seed, and idempotent: a folder that already holds the same data is
left untouched. A non-empty folder that this tool did not write (no ``.mmnoisy-output``
marker file) is refused, even with ``--overwrite``.
"""
import argparse
import time

import numpy as np

from mmnoisy.apis.cli import run_cli
from mmnoisy.synthesis.shapes_generator import SCENES, ShapesSpec, generate_shapes_dataset


def parse_args():
    defaults = ShapesSpec()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', default='data/shapes', help='output folder')
    parser.add_argument('--num-train', type=int, default=defaults.num_train)
    parser.add_argument('--num-val', type=int, default=defaults.num_val)
    parser.add_argument('--seed', type=int, default=defaults.seed)
    parser.add_argument('--colour-cue', action='store_true',
                        help='easier variant: every class keeps its own colours')
    parser.add_argument('--corpus', default=defaults.corpus, choices=sorted(SCENES),
                        help='benchmark: the data methods are measured on; pretrain: the '
                        'pretraining corpus (other classes, docs/pretrained.md)')
    parser.add_argument('--workers', type=int, default=0, help='processes (0: all cores)')
    parser.add_argument('--overwrite', action='store_true',
                        help='replace demo data of another spec written by this tool')
    return parser.parse_args()


def main():
    args = parse_args()
    spec = ShapesSpec(num_train=args.num_train, num_val=args.num_val, seed=args.seed,
                      colour_cue=args.colour_cue, corpus=args.corpus)
    start = time.time()
    meta = generate_shapes_dataset(args.out, spec, workers=args.workers,
                                   overwrite=args.overwrite)
    counts = np.array(meta['pixel_counts']['train'], dtype=float)
    share = ', '.join(f'{c} {100 * f:.2f}%'
                      for c, f in zip(meta['classes'], counts / counts.sum()))
    print(f'{args.out}: {spec.num_train} train + {spec.num_val} val images '
          f'({time.time() - start:.1f} s); train pixels: {share}')


if __name__ == '__main__':
    run_cli(main)
