"""DST-CBC on the procedural data, 1/20 labels: supervised stage vs each round, 3 seeds.

    python tools/benchmark/dst_cbc_shapes.py [--seeds 0 1 2] [--work-dir work_dirs/bench_dst_cbc]

Seed s trains on DST-CBC split s (``20_labeled_s.txt``) with ``randomness.seed=s``. Each
stage is then scored on the whole val set with tools/test.py twice: its last checkpoint, and
the best checkpoint so far (valtiny selection, what the method hands on as the next teacher).
``--rounds-from ROOT`` reruns only the rounds, from the supervised model of each seed in an
earlier run's ``ROOT`` (``best_after_stage_0.pth``, whose scores are copied, for a paired
comparison), with ``--options`` changing the config (e.g. ``model.unsup_loss.gamma=0``).
``--data-root data/shapes_cue`` runs on the colour-cue variant of the data
(``tools/generate_demo_data.py --colour-cue --out data/shapes_cue``).
Each seed writes ``seed<s>/result.json``; ``results.md`` tabulates every seed found, so seeds
can run as separate processes. Finished seeds are skipped when re-run, and an interrupted seed
resumes (``--resume``).
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
CONFIG = 'configs/dst_cbc/deeplabv2_r18-d8_1xb8-5rounds_shapes-112x112_dst-cbc-1-20.py'


def stage_ends(options=()):
    """The last iteration of each stage and the rounds' names, from the config."""
    from mmengine.config import Config, DictAction
    cfg = Config.fromfile(osp.join(REPO, CONFIG))
    parser = argparse.ArgumentParser()
    parser.add_argument('--options', nargs='*', action=DictAction, default={})
    cfg.merge_from_dict(parser.parse_args(['--options', *options]).options)
    loop = cfg.train_cfg
    ends = [loop.sup_iters]  # the shapes config gives stage lengths in iterations
    for _ in loop.ratios:
        ends.append(ends[-1] + loop.round_iters)
    return ends, [f'round {r} ({ratio})' for r, ratio in enumerate(loop.ratios, 1)]


def run(args, log):
    with open(log, 'a') as f:
        subprocess.run([sys.executable, *args], cwd=REPO, stdout=f, stderr=subprocess.STDOUT,
                       check=True, env=dict(os.environ, PYTHONPATH=REPO))


def split_options(seed):
    return [f'randomness.seed={seed}',
            f'semi_data.labeled_split=ImageSets/Segmentation/20_labeled_{seed}.txt',
            f'semi_data.unlabeled_split=ImageSets/Segmentation/20_unlabeled_{seed}.txt']


def data_root_options(data_root):
    """Every loader of the config derives its dataset from ``semi_data``."""
    return [f'semi_data.dataset.data_root={data_root}'] if data_root else []


def val_miou(checkpoint, work_dir, log, data_root=None):
    out = osp.join(work_dir, 'test_' + osp.basename(checkpoint)[:-4] + '.log')
    options = ['--cfg-options', *data_root_options(data_root)] if data_root else []
    run(['tools/test.py', CONFIG, checkpoint, '--work-dir', osp.join(work_dir, 'test'),
         *options], out)
    scores = re.findall(r'mIoU: ([0-9.]+)', open(out).read())
    return float(scores[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--work-dir', default='work_dirs/bench_dst_cbc')
    parser.add_argument('--rounds-from', help='an earlier run whose supervised models to reuse')
    parser.add_argument('--options', nargs='+', default=[], help='config changes, key=value')
    parser.add_argument('--data-root', help='another procedural data root (default: the config\'s)')
    args = parser.parse_args()
    options = list(args.options) + data_root_options(args.data_root)
    if args.rounds_from:
        options.append('train_cfg.sup_iters=0')
    root = osp.abspath(args.work_dir)
    os.makedirs(root, exist_ok=True)
    for seed in args.seeds:
        work_dir = osp.join(root, f'seed{seed}')
        result_path = osp.join(work_dir, 'result.json')
        if osp.exists(result_path):
            continue
        log = osp.join(root, f'seed{seed}.log')
        start = time.time()
        resume = ['--resume'] if osp.exists(osp.join(work_dir, 'last_checkpoint')) else []
        seed_options = split_options(seed) + options
        if args.rounds_from:
            source = osp.join(osp.abspath(args.rounds_from), f'seed{seed}')
            seed_options.append(f'load_from={source}/best_after_stage_0.pth')
        # Every checkpoint is kept: each stage's last one is scored.
        run(['tools/train.py', CONFIG, '--work-dir', work_dir, *resume, '--cfg-options',
             'default_hooks.checkpoint.max_keep_ckpts=-1', *seed_options], log)
        train_minutes = (time.time() - start) / 60
        ends, _ = stage_ends(options)
        first = 1 if args.rounds_from else 0
        last = [val_miou(osp.join(work_dir, f'iter_{end}.pth'), work_dir, log, args.data_root)
                for end in ends[first:]]
        best = [val_miou(osp.join(work_dir, f'best_after_stage_{k}.pth'), work_dir, log,
                         args.data_root) for k in range(first, len(ends))]
        if args.rounds_from:
            supervised = json.load(open(osp.join(source, 'result.json')))
            last.insert(0, supervised['val_miou_last'][0])
            best.insert(0, supervised['val_miou_best'][0])
        pseudo = [json.load(open(osp.join(work_dir, f'round_{r}', 'pseudo', 'report.json')))
                  for r in range(1, len(ends))]
        json.dump(dict(val_miou_last=last, val_miou_best=best, train_minutes=train_minutes,
                       pseudo_coverage=[p['coverage'] for p in pseudo],
                       pseudo_miou=[p.get('miou') for p in pseudo]),
                  open(result_path, 'w'), indent=1)
    results = {
        path.split('seed')[-1].split('/')[0]: json.load(open(path))
        for path in glob.glob(osp.join(root, 'seed*', 'result.json'))
    }
    write_table(results, osp.join(root, 'results.md'), options)


def write_table(results, path, options=()):
    seeds = sorted(results, key=int)
    _, rounds = stage_ends(options)
    lines = []
    for key, title in (('val_miou_last', "val mIoU (%) of each stage's last checkpoint"),
                       ('val_miou_best', 'val mIoU (%) of the best checkpoint so far '
                        '(valtiny selection) after each stage')):
        table = np.array([results[s][key] for s in seeds])
        lines += [f'{title}:\n', '| stage | ' + ' | '.join(f'seed {s}' for s in seeds)
                  + ' | mean |', '| --- |' + ' --- |' * (len(seeds) + 1)]
        for k, stage in enumerate(['supervised'] + rounds):
            cells = ' | '.join(f'{v:.2f}' for v in table[:, k])
            lines.append(f'| {stage} | {cells} | {table[:, k].mean():.2f} |')
        lines.append('')
    lines += ['pseudo labels (coverage % / mIoU vs hidden ground truth):\n',
              '| round | ' + ' | '.join(f'seed {s}' for s in seeds) + ' |',
              '| --- |' + ' --- |' * len(seeds)]
    for r, name in enumerate(rounds):
        cells = ' | '.join(f"{100 * results[s]['pseudo_coverage'][r]:.1f} / "
                           f"{100 * results[s]['pseudo_miou'][r]:.1f}" for s in seeds)
        lines.append(f'| {name} | {cells} |')
    minutes = ', '.join(f"{results[s]['train_minutes']:.1f}" for s in seeds)
    lines.append(f'\ntraining minutes per seed: {minutes}')
    open(path, 'w').write('\n'.join(lines) + '\n')
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
