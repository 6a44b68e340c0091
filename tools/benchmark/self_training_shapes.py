"""Zhu et al. self-training on the procedural data, 1/8 labels, 3 seeds: (a) centroid vs
random sampling at pseudo:real 7:1, (b) the coarse2fine+ crop schedule vs the fixed crop.

    python tools/benchmark/self_training_shapes.py [--seeds 0 1 2] \
        [--work-dir work_dirs/bench_self_training]

Seed s uses split s (``8_labeled_s.txt`` / ``8_unlabeled_s.txt``) and ``randomness.seed=s``.
Per seed the teacher is trained once; three students are then initialised from it
(``load_from``, the CPU-scale deviation of the shapes configs) and trained on its pseudo
labels, back to back: random sampling, centroid sampling
(fixed 112 px crop), centroid sampling with the coarse2fine+ schedule. Every run validates
once, at its end, on the whole val set (200 images). Each run writes ``<run>/result.json``
(val mIoU, per-class IoU, wall times); finished runs are skipped when re-run, so an
interrupted benchmark continues. ``results.md`` tabulates what is there. Everything runs in
one process at a time, with ``OMP_NUM_THREADS=1`` and in-process data loading.
``--data-root data/shapes_cue`` runs on the colour-cue variant of the data
(``tools/generate_demo_data.py --colour-cue --out data/shapes_cue``).
"""
import argparse
import datetime
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
CONFIGS = {
    'teacher': 'configs/self_training/deeplabv2_r18-d8_1xb8-0.4k_shapes-112x112_self-training-1-8-teacher.py',
    'random': 'configs/self_training/deeplabv2_r18-d8_1xb8-0.3k_shapes-112x112_self-training-1-8-student-7-1-random.py',
    'centroid': 'configs/self_training/deeplabv2_r18-d8_1xb8-0.3k_shapes-112x112_self-training-1-8-student-7-1-cs.py',
    'centroid_fast':
    'configs/self_training/deeplabv2_r18-d8_1xb8-0.3k_shapes-112x112_self-training-1-8-student-7-1-cs-coarse2fine+.py',
}
# foreground classes, most to least frequent in the training pixels (data/shapes/meta.json)
CLASSES = ['disc', 'square', 'ring', 'triangle', 'cross', 'ellipse', 'star', 'bar']
RARE = ['ellipse', 'star', 'bar']  # under 1% of the training pixels each
IN_PROCESS = ['num_workers=0', 'persistent_workers=False']
STAMP = re.compile(r'^(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d) - mmengine')


def split_options(seed, variant, data_root=None):
    lab = f'ImageSets/Segmentation/8_labeled_{seed}.txt'
    unl = f'ImageSets/Segmentation/8_unlabeled_{seed}.txt'
    options = [f'randomness.seed={seed}']
    if variant == 'teacher':  # a plain supervised config
        options += [f'train_dataloader.dataset.ann_file={lab}']
        options += [f'{loader}.{option}' for loader in ('train_dataloader', 'val_dataloader')
                    for option in IN_PROCESS]
        if data_root:
            options += [f'{loader}.dataset.data_root={data_root}'
                        for loader in ('train_dataloader', 'val_dataloader')]
        return options
    # The students' loaders all derive from semi_data.
    options += [f'semi_data.labeled_split={lab}', f'semi_data.unlabeled_split={unl}',
                'semi_data.num_workers=0', 'semi_data.persistent_workers=False']
    options += [f'val_dataloader.{option}' for option in IN_PROCESS]
    if data_root:
        options.append(f'semi_data.dataset.data_root={data_root}')
    return options


def parse_log(log):
    """Per-class IoU and mIoU of the last validation, and the training loop's seconds."""
    text = open(log).read()
    table = text[text.rindex('per class results:'):]
    iou = {m[0]: float(m[1]) for m in re.findall(r'^\|\s*(\w+)\s*\|\s*([0-9.]+|nan)\s*\|',
                                                 table, re.M) if m[0] != 'Class'}
    miou = float(re.findall(r'mIoU: ([0-9.]+)', text)[-1])
    stamps = [(datetime.datetime.strptime(m.group(1), '%Y/%m/%d %H:%M:%S'), line)
              for line in text.splitlines() for m in [STAMP.match(line)] if m]
    start = next(t for t, line in stamps if 'iterations 1-' in line or 'Iter(train)' in line)
    end = [t for t, line in stamps if 'Iter(train)' in line][-1]
    return dict(miou=miou, iou=iou, train_loop_s=(end - start).total_seconds())


def train(seed, variant, root, data_root=None):
    work_dir = osp.join(root, f'seed{seed}', variant)
    result_path = osp.join(work_dir, 'result.json')
    if osp.exists(result_path):
        return json.load(open(result_path))
    options = split_options(seed, variant, data_root)
    if variant != 'teacher':
        teacher = sorted(glob.glob(osp.join(root, f'seed{seed}', 'teacher', 'best_*.pth')))
        options += [f'train_cfg.teacher.checkpoint={teacher[-1]}', f'load_from={teacher[-1]}']
    log = osp.join(root, f'seed{seed}', f'{variant}.log')
    os.makedirs(osp.dirname(log), exist_ok=True)
    start = time.time()
    with open(log, 'w') as f:
        subprocess.run([sys.executable, 'tools/train.py', CONFIGS[variant], '--work-dir',
                        work_dir, '--cfg-options', *options], cwd=REPO, stdout=f,
                       stderr=subprocess.STDOUT, check=True,
                       env=dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS='1'))
    run_log = sorted(glob.glob(osp.join(work_dir, '*', '*.log')))[-1]  # full timestamps
    result = dict(parse_log(run_log), wall_s=time.time() - start)
    json.dump(result, open(result_path, 'w'), indent=1)
    return result


def write_tables(results, path):
    seeds = sorted(results)
    lines = ['### (a) centroid vs random sampling (pseudo:real 7:1), val IoU (%)', '',
             '| seed | run | mIoU | ' + ' | '.join(CLASSES) + ' | rare mean |',
             '| --- | --- | --- |' + ' --- |' * (len(CLASSES) + 1)]
    for seed in seeds + ['mean']:
        for variant in ('teacher', 'random', 'centroid'):
            runs = [results[s][variant] for s in seeds if variant in results[s]]
            if seed != 'mean':
                runs = [results[seed][variant]] if variant in results[seed] else []
            if not runs:
                continue
            miou = np.mean([r['miou'] for r in runs])
            iou = {c: np.mean([r['iou'][c] for r in runs]) for c in CLASSES}
            rare = np.mean([iou[c] for c in RARE])
            lines.append(f'| {seed} | {variant} | {miou:.2f} | ' +
                         ' | '.join(f'{iou[c]:.2f}' for c in CLASSES) + f' | {rare:.2f} |')
    lines += ['', '### (b) coarse2fine+ vs fixed crop (centroid sampling), back to back', '',
              '| seed | fixed mIoU | fast mIoU | diff | fixed loop s | fast loop s | '
              'speed-up |', '| --- |' + ' --- |' * 6]
    ratios, diffs = [], []
    for seed in seeds:
        fixed, fast = results[seed].get('centroid'), results[seed].get('centroid_fast')
        if not (fixed and fast):
            continue
        ratio = fixed['train_loop_s'] / fast['train_loop_s']
        ratios.append(ratio)
        diffs.append(fast['miou'] - fixed['miou'])
        lines.append(f"| {seed} | {fixed['miou']:.2f} | {fast['miou']:.2f} | {diffs[-1]:+.2f} "
                     f"| {fixed['train_loop_s']:.0f} | {fast['train_loop_s']:.0f} | "
                     f'{ratio:.2f}x |')
    if ratios:
        lines.append(f'| mean | | | {np.mean(diffs):+.2f} | | | {np.mean(ratios):.2f}x |')
    open(path, 'w').write('\n'.join(lines) + '\n')
    print('\n'.join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--work-dir', default='work_dirs/bench_self_training')
    parser.add_argument('--data-root', help='another procedural data root (default: the config\'s)')
    args = parser.parse_args()
    root = osp.abspath(args.work_dir)
    results = {}
    for seed in args.seeds:
        results[seed] = {variant: train(seed, variant, root, args.data_root)
                         for variant in CONFIGS}
        write_tables(results, osp.join(root, 'results.md'))


if __name__ == '__main__':
    main()
