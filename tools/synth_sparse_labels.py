"""Derive scribble or point labels from dense label PNGs, with a coverage report.

    python tools/synth_sparse_labels.py data/VOCdevkit/VOC2012/SegmentationClassAug \
        data/VOCdevkit/VOC2012/SegmentationScribble --mode scribble --seed 0 \
        --ann-file data/VOCdevkit/VOC2012/ImageSets/Segmentation/trainaug.txt

Unlabelled pixels are written as 255 (ignored by the loss); the palette of each source PNG
is kept. Each image's labels depend only on ``--seed`` and its id (see
``mmnoisy/datasets/sparse_labels.py``), so reruns and partial runs agree. The report
(``<out>/coverage.json``) gives the labelled fraction of the dense pixels overall and per
class, and the (image, class) pairs that received no label.
"""
import argparse
import json
import os
import os.path as osp

import numpy as np
from PIL import Image

from mmnoisy.datasets.sparse_labels import CoverageReport, sparsify
from mmnoisy.datasets.splits import read_ids
from mmnoisy.utils.cli import run_cli

VOC_CLASSES = 21


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('label_dir', help='dense label PNGs (class ids, 255 = ignore)')
    parser.add_argument('out_dir', help='where to write the sparse label PNGs')
    parser.add_argument('--mode', choices=['scribble', 'point'], default='scribble')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--ann-file', help='ids to convert, one per line (default: all PNGs)')
    parser.add_argument('--num-classes', type=int, default=VOC_CLASSES,
                        help='classes in the report (default: 21, VOC)')
    parser.add_argument('--width', type=int, default=3, help='scribble width in px')
    parser.add_argument('--keep-prob', type=float, default=0.7,
                        help='probability of keeping each skeleton stroke')
    parser.add_argument('--k', type=int, default=1, help='points per region')
    parser.add_argument('--radius', type=int, default=0, help='point radius in px')
    parser.add_argument('--min-area', type=int, default=16,
                        help='regions smaller than this get no label')
    parser.add_argument('--report', help='coverage report path (default: <out>/coverage.json)')
    return parser.parse_args()


def main():
    args = parse_args()
    if not osp.isdir(args.label_dir):
        raise FileNotFoundError(f'label folder {args.label_dir} does not exist')
    ids = read_ids(args.ann_file) if args.ann_file else sorted(
        f[:-4] for f in os.listdir(args.label_dir) if f.endswith('.png'))
    options = dict(min_area=args.min_area)
    if args.mode == 'scribble':
        options.update(width=args.width, keep_prob=args.keep_prob)
    else:
        options.update(k=args.k, radius=args.radius)
    os.makedirs(args.out_dir, exist_ok=True)
    report = CoverageReport(args.num_classes)
    for i in ids:
        path = osp.join(args.label_dir, i + '.png')
        if not osp.isfile(path):
            raise FileNotFoundError(f'{path} (id {i!r} of {args.ann_file}) does not exist')
        src = Image.open(path)
        dense = np.asarray(src)
        sparse = sparsify(dense, args.mode, args.seed, i, **options)
        report.update(dense, sparse)
        out = Image.fromarray(sparse)
        if src.mode == 'P':
            out.putpalette(src.getpalette())  # L -> P, the indices unchanged
        out.save(osp.join(args.out_dir, i + '.png'))
    summary = dict(mode=args.mode, seed=args.seed, options=options, **report.summary())
    report_path = args.report or osp.join(args.out_dir, 'coverage.json')
    with open(report_path, 'w') as f:
        json.dump(summary, f, indent=1)
    print(f'{len(ids)} {args.mode} labels in {args.out_dir}: '
          f'{100 * summary["labelled_fraction"]:.2f}% of the labelled pixels kept, '
          f'{summary["missed_image_classes"]} (image, class) pairs without a label')
    for name, c in summary['per_class'].items():
        print(f'  class {name:>3}: {100 * c["coverage"]:6.2f}% of its pixels, '
              f'labelled in {c["labelled_images"]}/{c["images"]} images')
    print(f'report: {report_path}')


if __name__ == '__main__':
    run_cli(main)
