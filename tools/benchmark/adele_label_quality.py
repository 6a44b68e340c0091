"""How right were the labels an ADELE training run corrected? Pass by pass, against clean.

    python tools/benchmark/adele_label_quality.py work_dirs/results/adele_wrong_class/seed0/variant \
        --data-root data/shapes_cue --tier wrong_class

An ADELE run keeps the labels each correction pass left (``<run>/adele_labels/epoch_<e>/``).
Each pass's labels are scored against the clean labels
(``<data-root>/SegmentationClass``), taking the tier's noisy labels
(``SegmentationClassNoisy_<tier>``) as what the run started from
(:class:`mmnoisy.evaluation.CorrectionQuality`): pixels changed, precision (changed to the
clean class), recall, and the net share of the wrong pixels removed (negative: the labels
have more errors than the noisy ones). Prints a markdown table; ``--out`` also writes it
with a JSON copy.
"""
import argparse
import glob
import json
import os.path as osp
import re
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from mmnoisy.apis.cli import run_cli  # noqa: E402
from mmnoisy.datasets.label_io import read_label  # noqa: E402
from mmnoisy.evaluation.correction_quality import CorrectionQuality  # noqa: E402
from mmnoisy.utils.errors import UserError  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('run', help='an ADELE run\'s work dir (holds adele_labels/)')
    parser.add_argument('--data-root', default='data/shapes_cue')
    parser.add_argument('--tier', default='moderate',
                        help='the noise tier it trained on (SegmentationClassNoisy_<tier>)')
    parser.add_argument('--out', help='also write the table (.md) and .json here (a file '
                        'path without suffix)')
    return parser.parse_args()


def passes(run: str) -> list:
    """(epoch, folder) of each pass's labels, in order."""
    found = [(int(m.group(1)), path) for path in glob.glob(osp.join(run, 'adele_labels', '*'))
             if (m := re.fullmatch(r'epoch_(\d+)', osp.basename(path)))]
    if not found:
        raise UserError(f'{run} has no adele_labels/epoch_<e> folder: not an ADELE run, or '
                        'no correction pass has run yet')
    return sorted(found)


def score_pass(folder: str, noisy_dir: str, clean_dir: str) -> dict:
    quality = CorrectionQuality()
    for path in sorted(glob.glob(osp.join(folder, '*.png'))):
        name = osp.basename(path)
        missing = [d for d in (noisy_dir, clean_dir) if not osp.isfile(osp.join(d, name))]
        if missing:
            raise UserError(f'{path} has no counterpart {osp.join(missing[0], name)}: the run '
                            'trained on other images (check --data-root and --tier)')
        quality.add(read_label(osp.join(noisy_dir, name))[0], read_label(path)[0],
                    read_label(osp.join(clean_dir, name))[0])
    return quality.summary()


def main():
    args = parse_args()
    clean_dir = osp.join(args.data_root, 'SegmentationClass')
    noisy_dir = osp.join(args.data_root, f'SegmentationClassNoisy_{args.tier}')
    for folder in (clean_dir, noisy_dir):
        if not osp.isdir(folder):
            raise UserError(f'{folder} does not exist: check --data-root and --tier')
    rows = {epoch: score_pass(folder, noisy_dir, clean_dir) for epoch, folder in passes(args.run)}
    lines = ['| pass after epoch | labels changed | pixels changed | precision % | recall % '
             '| net % of wrong pixels |', '| ---: | ---: | ---: | ---: | ---: | ---: |']
    lines += [f'| {epoch} | {r["images_changed"]}/{r["images"]} | {r["changed"]} | '
              f'{r["precision"]:.1f} | {r["recall"]:.1f} | {r["net"]:+.1f} |'
              for epoch, r in rows.items()]
    table = '\n'.join(lines)
    print(table)
    if args.out:
        with open(args.out + '.md', 'w') as f:
            f.write(f'{args.run} (tier {args.tier})\n\n{table}\n')
        with open(args.out + '.json', 'w') as f:
            json.dump(dict(run=args.run, tier=args.tier, passes=rows), f, indent=1)


if __name__ == '__main__':
    run_cli(main)
