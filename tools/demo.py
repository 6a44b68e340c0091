"""Train a baseline and an imperfect-label method side by side on the embedded procedural
data and compare them: per-class IoU table, difference, wall time, and a picture.

    python tools/demo.py [--method dst_cbc] [--seed 0] [--work-dir DIR]

Generates the data it needs (no download), trains both runs at once (one core each), scores
their last checkpoints on the 200 val images, and writes ``results.md``, ``results.json`` and
``demo.png`` (val image | ground truth | baseline | method, per-class IoU bars) to
``work_dirs/demo_<method>_seed<seed>/``. Rerunning continues an interrupted demo; finished
runs are not trained again. Run it from the repository root.
"""
import argparse
import os.path as osp

from mmnoisy.apis.cli import run_cli
from mmnoisy.apis.demo import DEMOS, run_demo
from mmnoisy.utils.errors import UserError

TRAIN = osp.join(osp.dirname(osp.abspath(__file__)), 'train.py')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--method', default='dst_cbc', choices=sorted(DEMOS),
                        help='which side-by-side demo (default: dst_cbc)')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of both runs, and the split they use (0, 1 or 2)')
    parser.add_argument('--work-dir', help='default: work_dirs/demo_<method>_seed<seed>')
    parser.add_argument('--cfg-options', nargs='+', default=[], metavar='KEY=VALUE',
                        help='config changes applied to both runs')
    return parser.parse_args()


def main():
    args = parse_args()
    if args.seed not in (0, 1, 2):
        raise UserError(f'--seed must be 0, 1 or 2 (the procedural data has three splits), '
                        f'got {args.seed}')
    run_demo(args.method, TRAIN, args.seed, args.work_dir, args.cfg_options)


if __name__ == '__main__':
    run_cli(main)
