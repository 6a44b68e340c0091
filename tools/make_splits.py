"""Write labeled/unlabeled split lists by the DST-CBC protocol (seed 7777, 3 shuffles).

    python tools/make_splits.py data/VOCdevkit/VOC2012/ImageSets/Segmentation/trainaug.txt \
        --out-dir data/VOCdevkit/VOC2012/ImageSets/Segmentation --preset voc
    python tools/make_splits.py data/cityscapes/data_lists/train.txt \
        --out-dir data/cityscapes/data_lists --preset cityscapes

With ``--data-root`` every id is checked for an image on disk first. ``--val VAL_IDS
--valtiny N`` also writes ``valtiny.txt``: N ids of the val list, drawn with ``--seed``, on
which the methods select models during training (docs/own_data.md).
"""
import argparse
import os.path as osp

from mmnoisy.apis.cli import run_cli
from mmnoisy.datasets.splits import (CITYSCAPES_DIVISORS, DST_CBC_SEED, VOC_DIVISORS,
                                     make_dst_cbc_splits, make_valtiny, read_ids,
                                     write_splits)
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
    parser.add_argument('--val', metavar='VAL_IDS', help='the val list, for --valtiny')
    parser.add_argument('--valtiny', type=int, metavar='N',
                        help='also write valtiny.txt: N ids of --val drawn with --seed, on '
                        'which training selects models')
    args = parser.parse_args()
    if (args.val is None) != (args.valtiny is None):
        parser.error('--val and --valtiny go together: --val VAL_IDS --valtiny N writes N '
                     'ids of VAL_IDS to valtiny.txt')
    return args


def check_images(ids_file, ids, args):
    """With ``--data-root``, refuse ids without an image there."""
    if args.data_root:
        paths = [osp.join(args.data_root, i + args.img_suffix) for i in ids]
        check_files_exist(paths, ids, 'image', ids_file)


def main():
    args = parse_args()
    ids = read_ids(args.ids)
    check_images(args.ids, ids, args)
    divisors = args.divisors or PRESETS[args.preset]
    splits = make_dst_cbc_splits(ids, divisors, args.repeats, args.seed)
    if args.valtiny is not None:
        val_ids = read_ids(args.val)
        check_images(args.val, val_ids, args)
        splits['valtiny'] = make_valtiny(val_ids, args.valtiny, args.seed)
    paths = write_splits(splits, args.out_dir)
    for divisor in divisors:
        name = f'{int(round(divisor))}_labeled_0'
        print(f'1/{divisor:g}: {len(splits[name])} labeled of {len(ids)}')
    if args.valtiny is not None:
        print(f'valtiny: {args.valtiny} of {len(val_ids)} val ids')
    print(f'wrote {len(paths)} lists to {args.out_dir}')


if __name__ == '__main__':
    run_cli(main)
