"""Simple Baseline's ablation ladder on the procedural data, 1/8 labels, 3 seeds:
supervised -> s.t. -> +SDA -> +DSBN -> +SCL (paper Table 6, rows 1-5).

    python tools/benchmark/simple_baseline_ladder.py [--seeds 0 1 2] \
        [--work-dir work_dirs/bench_simple_baseline]

Seed s uses split s (``8_labeled_s.txt`` / ``8_unlabeled_s.txt``) and ``randomness.seed=s``.
The supervised stage (the teacher) is trained once per seed; each rung then loads it
(``load_from``, ``sup_iters=0``), pseudo-labels the unlabelled images with it and trains one
round. The four rungs of a seed share one teacher, hence one set of pseudo labels: the
first rung computes them (multi-scale + flip, as the method does) and the others copy them
(``ReusedPseudoLabels``). Every run's best checkpoint
(valtiny selection) is scored on the whole val set with tools/test.py and written to ``seed<s>/<rung>/result.json``; ``results.md`` tabulates every
result found. Finished runs are skipped when re-run, so the script resumes after a stop.
"""
import argparse
import glob
import json
import os
import os.path as osp
import re
import subprocess
import sys
import time

import numpy as np

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PREFIX = 'configs/simple_baseline/deeplabv2_r18-d8_1xb8-1round_shapes-112x112_simple-baseline-1-8'
RUNGS = {  # name: (config, label in the table)
    'supervised': (f'{PREFIX}-st.py', 'supervised'),
    'st': (f'{PREFIX}-st.py', 's.t.'),
    'sda': (f'{PREFIX}-st-sda.py', '+SDA'),
    'dsbn': (f'{PREFIX}-st-sda-dsbn.py', '+DSBN'),
    'scl': (f'{PREFIX}-st-sda-dsbn-scl.py', '+SCL'),
}


def run(args, log):
    env = dict(os.environ, PYTHONPATH=REPO)
    with open(log, 'a') as f:
        subprocess.run([sys.executable, *args], cwd=REPO, stdout=f, stderr=subprocess.STDOUT,
                       check=True, env=env)


def split_options(seed):
    return [f'randomness.seed={seed}',
            f'semi_data.labeled_split=ImageSets/Segmentation/8_labeled_{seed}.txt',
            f'semi_data.unlabeled_split=ImageSets/Segmentation/8_unlabeled_{seed}.txt']


def val_miou(config, checkpoint, work_dir, log):
    out = osp.join(work_dir, 'test.log')
    run(['tools/test.py', config, checkpoint, '--work-dir', osp.join(work_dir, 'test')], out)
    return float(re.findall(r'mIoU: ([0-9.]+)', open(out).read())[-1])


def train_rung(rung, seed, root, options=()):
    work_dir = osp.join(root, f'seed{seed}', rung)
    result_path = osp.join(work_dir, 'result.json')
    if osp.exists(result_path):
        return
    config = RUNGS[rung][0]
    if rung == 'supervised':  # the supervised stage only: a round of 0 iterations
        stage_options, stage = ['train_cfg.round_iters=None', 'train_cfg.round_epochs=0'], 0
    else:
        teacher = osp.join(root, f'seed{seed}', 'supervised', 'best_after_stage_0.pth')
        stage_options, stage = [f'load_from={teacher}', 'train_cfg.sup_iters=0'], 1
        labels = [p for p in glob.glob(osp.join(root, f'seed{seed}', '*', 'round_1', 'pseudo',
                                                'report.json')) if not p.startswith(work_dir)]
        if labels:  # the same teacher's labels: copied, not computed again
            stage_options += ['train_cfg.pseudo_labeler.type=ReusedPseudoLabels',
                              f'train_cfg.pseudo_labeler.source_dir={osp.dirname(labels[0])}']
    os.makedirs(work_dir, exist_ok=True)
    log = osp.join(work_dir, 'train.log')
    start = time.time()
    run(['tools/train.py', config, '--work-dir', work_dir, '--cfg-options',
         *split_options(seed), *stage_options, *options], log)
    minutes = (time.time() - start) / 60
    best = osp.join(work_dir, f'best_after_stage_{stage}.pth')
    result = dict(val_miou=val_miou(RUNGS[rung][0], best, work_dir, log), train_minutes=minutes)
    report = osp.join(work_dir, 'round_1', 'pseudo', 'report.json')
    if osp.exists(report):
        result['pseudo_label_miou'] = 100 * json.load(open(report))['miou']
    json.dump(result, open(result_path, 'w'), indent=1)
    print(f'seed {seed} {rung}: {result}', flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--rungs', nargs='+', default=list(RUNGS), choices=list(RUNGS))
    parser.add_argument('--work-dir', default='work_dirs/bench_simple_baseline')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='extra options of every training run (e.g. shorter stages)')
    args = parser.parse_args()
    root = osp.abspath(args.work_dir)
    for seed in args.seeds:
        for rung in args.rungs:
            train_rung(rung, seed, root, args.cfg_options)
    write_table(root, osp.join(root, 'results.md'))


def write_table(root, path):
    results = {}
    for result in glob.glob(osp.join(root, 'seed*', '*', 'result.json')):
        seed, rung = result.split(os.sep)[-3][4:], result.split(os.sep)[-2]
        results.setdefault(rung, {})[int(seed)] = json.load(open(result))
    seeds = sorted({s for per_seed in results.values() for s in per_seed})
    lines = ['| rung | ' + ' | '.join(f'seed {s}' for s in seeds) + ' | mean | minutes |',
             '| --- |' + ' --- |' * (len(seeds) + 2)]
    for rung, (_, label) in RUNGS.items():
        runs = results.get(rung, {})
        cells = [f"{runs[s]['val_miou']:.2f}" if s in runs else '-' for s in seeds]
        mean = np.mean([r['val_miou'] for r in runs.values()]) if runs else float('nan')
        minutes = np.mean([r['train_minutes'] for r in runs.values()]) if runs else 0
        lines.append(f'| {label} | ' + ' | '.join(cells) +
                     f' | {mean:.2f} (n={len(runs)}) | {minutes:.1f} |')
    pseudo = {s: run['pseudo_label_miou'] for rung_runs in results.values()
              for s, run in rung_runs.items() if 'pseudo_label_miou' in run}
    lines.append('\nval mIoU (%) of the best checkpoint (valtiny selection) of each run; '
                 'minutes: mean training time per run; pseudo-label mIoU of the supervised '
                 'teacher per seed: ' +
                 ', '.join(f'{s}: {v:.2f}' for s, v in sorted(pseudo.items()) if v))
    open(path, 'w').write('\n'.join(lines) + '\n')
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
