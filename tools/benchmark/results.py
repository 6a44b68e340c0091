"""Every method against the baseline its paper compares with, one protocol: docs/results.md.

    python tools/benchmark/results.py                       # every study, seeds 0 1 2
    python tools/benchmark/results.py --study ssvt_scribble dst_cbc_1-20 --seeds 0 1 2
    python tools/benchmark/results.py --list                # the studies and their question
    python tools/benchmark/results.py --page-only           # rewrite the page from the runs

Each study (mmnoisy/apis/results.py: STUDIES) starts from the pretrained small backbones,
which must exist and match their recipe (`python tools/pretrain_backbones.py --model all`
makes them; this tool refuses to start otherwise). Runs go to
work_dirs/results/<study>/seed<k>/ through the demo machinery: resumable, a finished run is
never trained again. The page (docs/results.md), one figure per study (docs/results/) and
every run's log (docs/logs/results/) are rewritten from all studies that have results for
every seed. Run it from the repository root.
"""
import argparse
import os.path as osp
import sys
import time

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from mmnoisy.apis.cli import run_cli  # noqa: E402
from mmnoisy.apis.results import (RESULTS_WORK_DIR, STUDIES, check_backbones,  # noqa: E402
                                  run_study, write_results)
from mmnoisy.utils.errors import UserError  # noqa: E402
from mmnoisy.utils.progress import format_duration  # noqa: E402

TRAIN = 'tools/train.py'


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--study', nargs='+', default=['all'],
                        help=f'studies to run (default: all): {", ".join(STUDIES)}')
    parser.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2],
                        help='seeds of every study (0, 1, 2: the procedural splits)')
    parser.add_argument('--page', default='docs/results.md', help='the page to write')
    parser.add_argument('--work-dir', default=RESULTS_WORK_DIR, help='where runs train')
    parser.add_argument('--list', action='store_true', help='list the studies and exit')
    parser.add_argument('--page-only', action='store_true',
                        help='train nothing; rewrite the page from the finished runs')
    return parser.parse_args()


def main():
    args = parse_args()
    if not osp.isfile(TRAIN):
        raise UserError(f'run tools/benchmark/results.py from the repository root '
                        f'({TRAIN} is not in {osp.abspath(".")})')
    if args.list:
        for key, study in STUDIES.items():
            print(f'{key}: {study.method}: {study.question}')
        return
    keys = list(STUDIES) if args.study == ['all'] else args.study
    unknown = [key for key in keys if key not in STUDIES]
    if unknown:
        raise UserError(f'unknown study {", ".join(unknown)}; choose from '
                        f'{", ".join(STUDIES)} (or all)')
    bad_seeds = [seed for seed in args.seeds if seed not in (0, 1, 2)]
    if bad_seeds or len(set(args.seeds)) != len(args.seeds):
        raise UserError(f'--seeds must be distinct values among 0, 1, 2 (the procedural '
                        f'data has three splits), got {args.seeds}')
    studies = [STUDIES[key] for key in keys]
    start = time.time()
    if not args.page_only:
        check_backbones(studies)
        for index, study in enumerate(studies, 1):
            print(f'results: study {index}/{len(studies)} {study.key} ({study.method}), '
                  f'seeds {args.seeds}', flush=True)
            run_study(study, args.seeds, TRAIN, args.work_dir)
    command = 'python tools/benchmark/results.py --seeds ' + ' '.join(map(str, args.seeds))
    write_results(list(STUDIES.values()), args.seeds, args.page, command, args.work_dir)
    print(f'results: wrote {args.page} in {format_duration(time.time() - start)}')


if __name__ == '__main__':
    run_cli(main)
