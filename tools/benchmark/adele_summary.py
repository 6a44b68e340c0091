"""Summarise tools/benchmark/adele_shapes.sh: clean val mIoU per seed, triggers, IoU_el/IoU_m
at each epoch end, the quality of the corrected label sets, and the cost of a correction pass
against one inference epoch.

``python tools/benchmark/adele_summary.py work_dirs/benchmark_adele [--ranges 10 20 40]
[--labels] [--timing] [--methods baseline adele ...]`` prints markdown tables (copied into
docs/adele.md) and writes ``curves.png`` there. ``--ranges`` averages IoU_el / IoU_m over
epoch ranges per seed.
``--labels`` compares each corrected label set with the clean labels: how many of the noisy
labels' wrong pixels it fixed and how many right pixels it broke. ``--timing`` also times,
on the ADELE seed-0 checkpoint and the same machine state, one single-scale inference epoch
over the training images and one full correction pass.
"""
import argparse
import glob
import json
import os.path as osp
import re
import tempfile
import time
from types import SimpleNamespace

import numpy as np

FIRST = ('baseline', 'adele')  # table order; the variants follow, sorted


def find_methods(out):
    """The methods with a ``<method>_seed<k>.log`` in ``out``, baseline and adele first."""
    names = {re.sub(r'_seed\d+\.log$', '', osp.basename(p))
             for p in glob.glob(osp.join(out, '*_seed*.log'))}
    return [m for m in FIRST if m in names] + sorted(names - set(FIRST))


def final_miou(log_path):
    found = re.findall(r'Iter\(val\).*?mIoU: ([\d.]+)', open(log_path).read())
    return float(found[-1]) if found else None


def curves(work_dir):
    path = osp.join(work_dir, 'adele_curves.json')
    return json.load(open(path)) if osp.isfile(path) else None


def epoch_means(state, name):
    """Mean over foreground classes of the last record of each epoch."""
    rows = np.asarray(state['curves'][name])
    per_epoch = state['iters_per_epoch'] // state['interval']
    ends = rows[per_epoch - 1::per_epoch, 1:]
    return [100 * float(v) for v in ends.mean(1)]


def range_means(state, name, bounds):
    """Epoch-end means (:func:`epoch_means`) averaged over the epochs ``(b_i, b_i+1]``."""
    ends = epoch_means(state, name)
    edges = [0, *[b for b in bounds if b < len(ends)], len(ends)]
    return [float(np.mean(ends[lo:hi])) for lo, hi in zip(edges[:-1], edges[1:]) if hi > lo]


def run_config(work_dir):
    """The config a run saved in its work dir, with the mmnoisy scope set."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    import mmnoisy  # noqa: F401
    init_default_scope('mmnoisy')
    return Config.fromfile(glob.glob(osp.join(work_dir, '*.py'))[0])


def train_dataset(cfg):
    from mmnoisy.registry import DATASETS
    return DATASETS.build(cfg.train_dataloader.dataset)


def label_set_quality(work_dir):
    """Per corrected label set: (epoch, pixels fixed, pixels broken, share of the noisy
    labels' wrong pixels still wrong in %), against the clean labels."""
    from mmnoisy.datasets.label_io import read_label
    dataset = train_dataset(run_config(work_dir))
    labels = []
    for idx in range(len(dataset)):
        info = dataset.get_data_info(idx)
        labels.append((dataset.label_name(info), read_label(info['noisy_seg_map_path'])[0],
                       read_label(info['clean_seg_map_path'])[0]))
    wrong = sum(int(np.count_nonzero((noisy != clean) & (clean != 255)))
                for _, noisy, clean in labels)
    rows = []
    sets = glob.glob(osp.join(work_dir, 'adele_labels', 'epoch_*[0-9]'))
    for folder in sorted(sets, key=lambda p: int(p.rsplit('_', 1)[1])):
        fixed = broken = left = 0
        for name, noisy, clean in labels:
            path = osp.join(folder, name)
            label = read_label(path)[0] if osp.isfile(path) else noisy
            valid = clean != 255
            changed = (label != noisy) & valid
            fixed += int(np.count_nonzero(changed & (label == clean)))
            broken += int(np.count_nonzero(changed & (noisy == clean)))
            left += int(np.count_nonzero((label != clean) & valid))
        rows.append((int(folder.rsplit('_', 1)[1]), fixed, broken, 100 * left / max(wrong, 1)))
    return wrong, rows


def plot(states, out):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), sharey=True)
    for ax, name, title in zip(axes, ('el', 'm'), ('IoU_el (clean, on wrong pixels)',
                                                   'IoU_m (noisy, on wrong pixels)')):
        for method, state in states.items():
            rows = np.asarray(state['curves'][name])[:, 1:].mean(1)
            x = np.arange(1, len(rows) + 1) * state['interval'] / state['iters_per_epoch']
            ax.plot(x, 100 * rows, label=method, ls='--' if method == 'baseline' else '-')
        ax.set(title=title, xlabel='epoch')
        ax.legend()
    axes[0].set_ylabel('mean over foreground classes (%)')
    fig.tight_layout()
    fig.savefig(out, dpi=80)


def time_passes(work_dir):
    """Seconds of one single-scale inference epoch and of one correction pass."""
    import mmcv
    import torch

    from mmnoisy.engine.hooks.adele import AdaptiveLabelCorrectionHook
    from mmnoisy.pseudo.label_correction import predict_multiscale
    from mmnoisy.registry import MODELS
    from mmnoisy.engine.checkpoint import read_checkpoint
    cfg = run_config(work_dir)
    model = MODELS.build(cfg.model)
    last = max(glob.glob(osp.join(work_dir, 'epoch_*.pth')),
               key=lambda p: int(re.search(r'epoch_(\d+)', p).group(1)))
    model.load_state_dict(read_checkpoint(last)['state_dict'])
    model.eval()
    dataset = train_dataset(cfg)
    torch.set_num_threads(1)
    start = time.perf_counter()
    for idx in range(len(dataset)):
        predict_multiscale(model, mmcv.imread(dataset.get_data_info(idx)['img_path']),
                           scales=(1.0, ), temperature=1.0)
    single = time.perf_counter() - start
    result = dict(images=len(dataset), inference_epoch_1scale=single)
    for flip in (False, True):
        hook = AdaptiveLabelCorrectionHook(flip_from_epoch=0 if flip else 99)
        with tempfile.TemporaryDirectory() as tmp:
            loader = SimpleNamespace(dataset=dataset)
            runner = SimpleNamespace(work_dir=tmp, model=model,
                                     train_loop=SimpleNamespace(dataloader=loader))
            start = time.perf_counter()
            hook._correct(runner, 5, list(range(9)))
            result[f'correction{"_flip" if flip else ""}'] = time.perf_counter() - start
    return result


def print_range_table(all_states, bounds, methods):
    n = max(len(epoch_means(state, 'm')) for state in all_states.values())
    edges = [0, *[b for b in bounds if b < n], n]
    heads = [f'epochs {lo + 1}-{hi}' for lo, hi in zip(edges[:-1], edges[1:])]
    print('\n| curve | ' + ' | '.join(heads) + ' |\n' + '|---' * (len(heads) + 1) + '|')
    for name in ('m', 'el'):
        for method in methods:
            seeds = sorted(s for m, s in all_states if m == method)
            if not seeds:
                continue
            per_seed = [range_means(all_states[method, s], name, bounds) for s in seeds]
            cells = [' / '.join(f'{v[i]:.1f}' if i < len(v) else '-' for v in per_seed)
                     for i in range(len(heads))]  # '-': a run still going
            print(f'| {method} IoU_{name} (seeds {", ".join(map(str, seeds))}) | ' +
                  ' | '.join(cells) + ' |')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('out', nargs='?', default='work_dirs/benchmark_adele')
    parser.add_argument('--ranges', type=int, nargs='*', default=[10, 20, 40],
                        help='last epoch of each range of the per-seed IoU_el/IoU_m table')
    parser.add_argument('--labels', action='store_true')
    parser.add_argument('--timing', action='store_true')
    parser.add_argument('--methods', nargs='*',
                        help='only these methods, in this order (default: all found); the '
                        'plot curves.png shows them too')
    args = parser.parse_args()
    rows, states, all_states = {}, {}, {}
    methods = args.methods or find_methods(args.out)
    for method in methods:
        for log in sorted(glob.glob(osp.join(args.out, f'{method}_seed*.log'))):
            seed = int(re.search(r'seed(\d+)', log).group(1))
            rows.setdefault(method, {})[seed] = final_miou(log)
            state = curves(log[:-4])
            if state is not None:
                all_states[method, seed] = state
                if seed == 0:
                    states[method] = state
    seeds = sorted({s for r in rows.values() for s in r})
    print('| method | ' + ' | '.join(f'seed {s}' for s in seeds) + ' | mean ± std |')
    print('|---' * (len(seeds) + 2) + '|')
    for method, r in rows.items():
        vals = [r.get(s) for s in seeds]
        done = [v for v in vals if v is not None]
        print(f'| {method} | ' + ' | '.join('-' if v is None else f'{v:.2f}' for v in vals) +
              f' | {np.mean(done):.2f} ± {np.std(done):.2f} |')
    for method, state in states.items():
        print(f'\n{method} seed 0: triggered (class: epoch) {state["triggered"]}, start epochs '
              f'{state["start_epochs"]}')
        print('epoch-end IoU_el ' + ' '.join(f'{v:.1f}' for v in epoch_means(state, 'el')))
        print('epoch-end IoU_m  ' + ' '.join(f'{v:.1f}' for v in epoch_means(state, 'm')))
        for t in state.get('timings', []):
            print(f'  correction after epoch {t["epoch"]}: {t["seconds"]:.1f} s, '
                  f'{t["changed"]}/{t["images"]} labels changed, flip {t["flip"]}, '
                  f'CRF {t.get("crf", False)}')
    if all_states:
        print_range_table(all_states, args.ranges, methods)
    if args.labels:
        print('\n| run | corrections | wrong pixels left, % (first, min, last) | '
              'fixed / broken pixels (all corrections) |\n|---|---|---|---|')
        for method, seed in sorted(all_states):
            if method == 'baseline':
                continue
            wrong, quality = label_set_quality(osp.join(args.out, f'{method}_seed{seed}'))
            if quality:
                left = [q[3] for q in quality]
                print(f'| {method} seed {seed} | {len(quality)} | {left[0]:.1f}, '
                      f'{min(left):.1f}, {left[-1]:.1f} | {sum(q[1] for q in quality)} / '
                      f'{sum(q[2] for q in quality)} (of {wrong} wrong) |')
    if states:
        plot(states, osp.join(args.out, 'curves.png'))
    if args.timing:
        root = osp.join(args.out, 'adele_seed0')
        print(json.dumps(time_passes(root)))


if __name__ == '__main__':
    main()
