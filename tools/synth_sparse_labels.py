"""Derive scribble or point labels from dense label PNGs, with a coverage report.

    python tools/synth_sparse_labels.py data/VOCdevkit/VOC2012/SegmentationClassAug \
        data/VOCdevkit/VOC2012/SegmentationScribble --mode scribble --seed 0 \
        --ann-file data/VOCdevkit/VOC2012/ImageSets/Segmentation/trainaug.txt

Unlabelled pixels are written as 255 (ignored by the loss); the palette of each source PNG
is kept. The output folder must be new, empty or an earlier output of this tool, and never
the label folder, inside it or around it; it is written as ``<out>.partial`` and renamed when
complete. Each image's labels depend only on ``--seed`` and its id (see
``mmnoisy/datasets/transforms/sparse_labels.py``), so reruns and partial runs agree. The
report (``<out>/coverage.json``) gives the labelled fraction of the dense pixels overall and per
class, and the (image, class) pairs that received no label.
"""
import argparse
import json
import os
import os.path as osp

from mmnoisy.apis.cli import run_cli
from mmnoisy.datasets.label_io import read_label, write_label
from mmnoisy.datasets.splits import read_ids
from mmnoisy.datasets.transforms.sparse_labels import sparsify
from mmnoisy.synthesis.sparse_labels import CoverageReport
from mmnoisy.utils.errors import OutputDirError
from mmnoisy.utils.output_dir import is_within, publish_output_dir, stage_output_dir

VOC_CLASSES = 21
TOOL = 'synth_sparse_labels'  # the name in the output folder's marker file


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


def check_report_path(report: str, label_dir: str) -> None:
    """Refuse a ``--report`` path among the input labels."""
    if is_within(osp.realpath(report), osp.realpath(label_dir)):
        raise OutputDirError(f'--report {report} lies inside the input folder {label_dir}: '
                             'refusing to write there; choose a path outside it')


def write_json(path: str, data: dict) -> None:
    """Write ``data`` to ``path`` through a temporary file (a reader never sees half)."""
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    tmp = f'{path}.{os.getpid()}.tmp'
    with open(tmp, 'w') as f:
        json.dump(data, f, indent=1)
    os.replace(tmp, path)


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
    if args.report:
        check_report_path(args.report, args.label_dir)
    staging = stage_output_dir(args.out_dir, [args.label_dir], TOOL)
    report = CoverageReport(args.num_classes)
    for i in ids:
        path = osp.join(args.label_dir, i + '.png')
        if not osp.isfile(path):
            raise FileNotFoundError(f'{path} (id {i!r} of {args.ann_file}) does not exist')
        dense, palette = read_label(path)
        sparse = sparsify(dense, args.mode, args.seed, i, **options)
        report.update(dense, sparse)
        write_label(osp.join(staging, i + '.png'), sparse, palette)  # palette kept
    summary = dict(mode=args.mode, seed=args.seed, options=options, **report.summary())
    if args.report:
        publish_output_dir(staging, args.out_dir)
        write_json(args.report, summary)
    else:
        write_json(osp.join(staging, 'coverage.json'), summary)
        publish_output_dir(staging, args.out_dir)
    report_path = args.report or osp.join(args.out_dir, 'coverage.json')
    print(f'{len(ids)} {args.mode} labels in {args.out_dir}: '
          f'{100 * summary["labelled_fraction"]:.2f}% of the labelled pixels kept, '
          f'{summary["missed_image_classes"]} (image, class) pairs without a label')
    for name, c in summary['per_class'].items():
        print(f'  class {name:>3}: {100 * c["coverage"]:6.2f}% of its pixels, '
              f'labelled in {c["labelled_images"]}/{c["images"]} images')
    print(f'report: {report_path}')


if __name__ == '__main__':
    run_cli(main)
