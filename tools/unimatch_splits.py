"""Convert UniMatch's split lists (LiheYoung/UniMatch, splits/) to mmnoisy id lists.

    git clone https://github.com/LiheYoung/UniMatch /tmp/UniMatch
    git -C /tmp/UniMatch checkout 0324f3dd4a22128105a5eb135d2586c0bb3cc647
    python tools/unimatch_splits.py /tmp/UniMatch --out-dir configs/_base_/datasets/splits

reads ``splits/pascal/<split>/{labeled,unlabeled}.txt``, ``splits/cityscapes/<split>/...``
and both ``val.txt`` ("<image path> <label path>" per line) and writes the ids mmnoisy's
datasets read, one per line in the authors' order, to
``<out-dir>/voc12/unimatch/<split>_{labeled,unlabeled}.txt``, ``.../cityscapes/unimatch/...``
and ``val.txt`` in each: the files shipped in configs/_base_/datasets/splits. ``--pascal`` /
``--cityscapes`` pick other split folders of the authors (e.g. ``--cityscapes 1_30``;
``--pascal`` with no name skips the dataset). Labelled and unlabelled lists that share an id,
or a train list holding a val id, are refused.
"""
import argparse
import os.path as osp

from mmnoisy.apis.cli import run_cli
from mmnoisy.datasets.splits import check_disjoint, unimatch_ids, write_splits

# UniMatch's dataset folder -> (mmnoisy's split folder, the split folders shipped).
DATASETS = dict(
    pascal=('voc12', ('92', '183', '366', '732', '1464')),
    cityscapes=('cityscapes', ('1_16', '1_8', '1_4', '1_2')),
)
FIX = 'check out the commit named in configs/_base_/datasets/splits/README.md'


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('unimatch_root', help='a checkout of LiheYoung/UniMatch (or V2), '
                        'the folder holding splits/')
    parser.add_argument('--out-dir', required=True,
                        help='writes <out-dir>/{voc12,cityscapes}/unimatch/*.txt')
    for dataset, (_, shipped) in DATASETS.items():
        parser.add_argument(f'--{dataset}', nargs='*', default=list(shipped), metavar='SPLIT',
                            help=f'split folders of splits/{dataset} (default: the shipped '
                            f'{" ".join(shipped)}; none: skip {dataset})')
    return parser.parse_args()


def read_list(root, dataset, name):
    path = osp.join(root, 'splits', dataset, name)
    with open(path) as f:
        return unimatch_ids(f, dataset, source=path)


def convert(root, dataset, split_names):
    """{file stem: ids} of one dataset's lists, checked; prints one line a split."""
    val = read_list(root, dataset, 'val.txt')
    lists = dict(val=val)
    for name in split_names:
        labeled = read_list(root, dataset, osp.join(name, 'labeled.txt'))
        unlabeled = read_list(root, dataset, osp.join(name, 'unlabeled.txt'))
        check_disjoint(labeled, unlabeled, (f'{dataset} {name} labeled', 'unlabeled'), FIX)
        check_disjoint(labeled + unlabeled, val, (f'{dataset} {name} train', 'val'), FIX)
        lists[f'{name}_labeled'] = labeled
        lists[f'{name}_unlabeled'] = unlabeled
        print(f'{dataset} {name}: {len(labeled)} labeled + {len(unlabeled)} unlabeled = '
              f'{len(labeled) + len(unlabeled)} train ids')
    print(f'{dataset} val: {len(val)} ids')
    return lists


def main():
    args = parse_args()
    converted = {}
    for dataset, (folder, _) in DATASETS.items():
        names = getattr(args, dataset)
        if names:
            converted[folder] = convert(args.unimatch_root, dataset, names)
    for folder, lists in converted.items():  # write only once every list has passed
        out_dir = osp.join(args.out_dir, folder, 'unimatch')
        paths = write_splits(lists, out_dir)
        print(f'wrote {len(paths)} lists to {out_dir}')


if __name__ == '__main__':
    run_cli(main)
