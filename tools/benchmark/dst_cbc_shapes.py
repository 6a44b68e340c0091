"""DST-CBC on the procedural data, 1/20 labels: supervised stage vs each round, 3 seeds.

    python tools/benchmark/dst_cbc_shapes.py [--seeds 0 1 2] [--work-dir work_dirs/bench_dst_cbc]

Seed s trains on DST-CBC split s (``20_labeled_s.txt``) with ``randomness.seed=s``. Each
stage is then scored on the whole val set with tools/test.py twice: its last checkpoint, and
the best checkpoint so far (valtiny selection, what the method hands on as the next teacher).
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
CONFIG = 'configs/dst_cbc/deeplabv2_r18-d8_shapes_1-20.py'


def stage_ends():
    """The last iteration of each stage and the rounds' names, from the config."""
    from mmengine.config import Config
    loop = Config.fromfile(osp.join(REPO, CONFIG)).train_cfg
    ends = [loop.sup_iters]
    for _ in loop.ratios:
        ends.append(ends[-1] + loop.round_iters)
    return ends, [f'round {r} ({ratio})' for r, ratio in enumerate(loop.ratios, 1)]


def run(args, log):
    with open(log, 'a') as f:
        subprocess.run([sys.executable, *args], cwd=REPO, stdout=f, stderr=subprocess.STDOUT,
                       check=True, env=dict(os.environ, PYTHONPATH=REPO))


def split_options(seed):
    lab = f'ImageSets/Segmentation/20_labeled_{seed}.txt'
    unl = f'ImageSets/Segmentation/20_unlabeled_{seed}.txt'
    return [f'randomness.seed={seed}', f'train_dataloader.dataset.ann_file={lab}',
            f'train_cfg.semi_dataloader.dataset.datasets.0.ann_file={lab}',
            f'train_cfg.semi_dataloader.dataset.datasets.1.ann_file={unl}',
            f'train_cfg.unlabeled_dataloader.dataset.ann_file={unl}']


def val_miou(checkpoint, work_dir, log):
    out = osp.join(work_dir, 'test_' + osp.basename(checkpoint)[:-4] + '.log')
    run(['tools/test.py', CONFIG, checkpoint, '--work-dir', osp.join(work_dir, 'test')], out)
    scores = re.findall(r'mIoU: ([0-9.]+)', open(out).read())
    return float(scores[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--work-dir', default='work_dirs/bench_dst_cbc')
    args = parser.parse_args()
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
        # Every checkpoint is kept: each stage's last one is scored.
        run(['tools/train.py', CONFIG, '--work-dir', work_dir, *resume, '--cfg-options',
             'default_hooks.checkpoint.max_keep_ckpts=-1', *split_options(seed)], log)
        train_minutes = (time.time() - start) / 60
        ends, _ = stage_ends()
        last = [val_miou(osp.join(work_dir, f'iter_{end}.pth'), work_dir, log) for end in ends]
        best = [val_miou(osp.join(work_dir, f'best_after_stage_{k}.pth'), work_dir, log)
                for k in range(len(ends))]
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
    write_table(results, osp.join(root, 'results.md'))


def write_table(results, path):
    seeds = sorted(results, key=int)
    _, rounds = stage_ends()
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
