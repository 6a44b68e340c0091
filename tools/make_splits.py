"""Write labeled/unlabeled split lists by the DST-CBC protocol (seed 7777, 3 shuffles).

    python tools/make_splits.py data/VOCdevkit/VOC2012/ImageSets/Segmentation/trainaug.txt \
        --out-dir data/VOCdevkit/VOC2012/ImageSets/Segmentation --preset voc
    python tools/make_splits.py data/cityscapes/data_lists/train.txt \
        --out-dir data/cityscapes/data_lists --preset cityscapes

With ``--data-root`` every id is checked for an image on disk first.
"""
import argparse
import os.path as osp

from mmnoisy.apis.cli import run_cli
from mmnoisy.datasets.splits import (CITYSCAPES_DIVISORS, DST_CBC_SEED, VOC_DIVISORS,
                                     make_dst_cbc_splits, read_ids, write_splits)
from mmnoisy.datasets.validation import check_files_exist

PRESETS = dict(voc=VOC_DIVISORS, cityscapes=CITYSCAPES_DIVISORS)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('ids', help='the whole training list, one id per line')
    parser.add_argument('--out-dir', required=True, help='where to write the lists')
    parser.add_argument('--preset', choices=sorted(PRESETS), default='voc',
                        help='divisors of the paper for this dataset (default: voc)')
    parser.add_argument('--divisors', type=float, nargs='+',
                        help='labeled fractions 1/d (overrides --preset)')
    parser.add_argument('--repeats', type=int, default=3, help='cumulative shuffles')
    parser.add_argument('--seed', type=int, default=DST_CBC_SEED)
    parser.add_argument('--data-root', help='check that each id has an image here')
    parser.add_argument('--img-suffix', default='.jpg',
                        help="image suffix for --data-root ('_leftImg8bit.png' for Cityscapes)")
    return parser.parse_args()


def main():
    args = parse_args()
    ids = read_ids(args.ids)
    if args.data_root:
        paths = [osp.join(args.data_root, i + args.img_suffix) for i in ids]
        check_files_exist(paths, ids, 'image', args.ids)
    divisors = args.divisors or PRESETS[args.preset]
    splits = make_dst_cbc_splits(ids, divisors, args.repeats, args.seed)
    paths = write_splits(splits, args.out_dir)
    for divisor in divisors:
        name = f'{int(round(divisor))}_labeled_0'
        print(f'1/{divisor:g}: {len(splits[name])} labeled of {len(ids)}')
    print(f'wrote {len(paths)} lists to {args.out_dir}')


if __name__ == '__main__':
    run_cli(main)
