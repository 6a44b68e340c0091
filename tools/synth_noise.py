"""Make noisy labels from clean ones: ``python tools/synth_noise.py LABEL_DIR OUT_DIR``.

Kinds of noise (ADELE paper 000): objects dilated/eroded, boundaries perturbed, objects dropped
or given a wrong class (human annotation errors), and WSSS-style under-segmentation. Tiers:
``mild``, ``moderate``, ``severe`` (mixed), ``cam`` (every object under-segmented, as CAM
seeds) and ``wrong_class`` (a third of the objects relabelled): mmnoisy.synthesis.noise.TIERS.
Deterministic from ``--seed``. Writes ``OUT_DIR/noise_report.json`` (per-class IoU of noisy vs clean labels).
``OUT_DIR`` must be new, empty or an earlier output of this tool, and never the label folder,
inside it or around it; it is written as ``OUT_DIR.partial`` and renamed when complete.

Example (demo data): ``python tools/synth_noise.py data/shapes/SegmentationClass
data/shapes/SegmentationClassNoisy_moderate --tier moderate --num-classes 9``
"""
import argparse
import json

from mmnoisy.apis.cli import run_cli


def parse_args():
    from mmnoisy.synthesis.noise import TIERS
    parser = argparse.ArgumentParser(description='Synthesize noisy segmentation labels')
    parser.add_argument('label_dir', help='folder of clean label PNGs')
    parser.add_argument('out_dir', help='where the noisy labels go: a new folder, or an earlier '
                        'output of this tool')
    parser.add_argument('--tier', default='moderate', choices=sorted(TIERS))
    parser.add_argument('--num-classes', type=int, required=True,
                        help='number of classes including the background (VOC: 21)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--suffix', default='.png', help='label file suffix')
    parser.add_argument('--split', help='file of ids to corrupt (default: all labels)')
    return parser.parse_args()


def main():
    args = parse_args()
    from mmnoisy.synthesis.noise import get_tier, synthesize_noisy_labels
    report = synthesize_noisy_labels(args.label_dir, args.out_dir, get_tier(args.tier),
                                     args.num_classes, seed=args.seed, suffix=args.suffix,
                                     split=args.split)
    print(f'{report["images"]} labels written to {args.out_dir} (tier {args.tier}, seed '
          f'{args.seed}): noisy-vs-clean mIoU {100 * report["miou"]:.1f}, pixel accuracy '
          f'{100 * report["pixel_accuracy"]:.1f}')
    print(json.dumps(report['per_class_iou']))


if __name__ == '__main__':
    run_cli(main)
