"""Side-by-side demos: a baseline and an imperfect-label method trained at once on the
embedded procedural data, scored on the same val images, shown as a table and a picture.

``tools/demo.py --method NAME`` is the entry point; :data:`DEMOS` lists the pairs. Both
trainings run as ``tools/train.py`` processes with one thread each (one core each on a
2-core machine), in their own work dirs with ``--resume``, so an interrupted demo continues
where it stopped and a finished run is not trained again.
"""
import json
import os
import os.path as osp
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.logging import print_log

from mmnoisy.synthesis import ShapesSpec
from mmnoisy.utils.errors import UserError
from mmnoisy.utils.progress import format_duration

SPLITS = 'ImageSets/Segmentation'
POLL_S = 10.0  # seconds between progress lines
SIDES = ('baseline', 'method')
DONE_FILE = 'demo_run.json'  # a side's wall time, written when it has trained to the end


@dataclass
class DemoRun:
    """One side of a demo.

    Args:
        name (str): What the table calls it.
        config (str): Config path (relative to the repository root, where the tools run).
        seed_options (callable): ``seed -> ['key=value', ...]``: the seed and its split.
    """
    name: str
    config: str
    seed_options: Callable[[int], List[str]]


@dataclass
class Demo:
    """A baseline and a method on one variant of the procedural data.

    Args:
        title (str): One line on what is compared.
        data_root (str): Where the configs read the data.
        data_spec (ShapesSpec): The procedural data generated there.
        baseline (DemoRun): The plain training it is compared with.
        method (DemoRun): The imperfect-label method.
        total_iters (int): Training iterations of each side (for the progress line).
    """
    title: str
    data_root: str
    data_spec: ShapesSpec
    baseline: DemoRun
    method: DemoRun
    total_iters: int


def _labelled_split(seed: int) -> List[str]:
    return [f'randomness.seed={seed}',
            f'train_dataloader.dataset.ann_file={SPLITS}/20_labeled_{seed}.txt']


def _semi_split(seed: int) -> List[str]:
    return [f'randomness.seed={seed}',
            f'semi_data.labeled_split={SPLITS}/20_labeled_{seed}.txt',
            f'semi_data.unlabeled_split={SPLITS}/20_unlabeled_{seed}.txt']


DEMOS: Dict[str, Demo] = dict(
    dst_cbc=Demo(
        title='DST-CBC vs supervised training, 50 labelled + 950 unlabelled images',
        data_root='data/shapes_cue',
        data_spec=ShapesSpec(colour_cue=True),
        baseline=DemoRun(
            'supervised',
            'configs/demo/deeplabv2_r18-d8_1xb8-0.7k_shapes-cue-112x112_supervised-1-20.py',
            _labelled_split),
        method=DemoRun(
            'DST-CBC',
            'configs/demo/deeplabv2_r18-d8_1xb8-0.7k_shapes-cue-112x112_dst-cbc-1-20.py',
            _semi_split),
        total_iters=700),
)


# ------------------------------------------------------------------------------- training
ITER_RE = re.compile(r'Iter\(train\) \[\s*(\d+)/(\d+)\]')


def _progress_of(log: str) -> int:
    """The last training iteration a run's log reports."""
    if not osp.isfile(log):
        return 0
    with open(log, errors='replace') as f:
        found = ITER_RE.findall(f.read())
    return int(found[-1][0]) if found else 0


def train_side_by_side(demo: Demo, seed: int, work_dir: str, train_script: str,
                       extra: Sequence[str] = ()) -> Dict[str, float]:
    """Train both sides of ``demo`` at once with ``train_script`` (``tools/train.py``);
    returns each side's wall time in seconds.

    Each run gets one thread; its output goes to ``<work_dir>/<side>.log``. Progress and an
    ETA are printed every :data:`POLL_S` seconds.
    """
    procs, logs, started = {}, {}, {}
    walls = {side: wall for side in SIDES
             if (wall := _finished_wall_time(work_dir, side)) is not None}
    env = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')
    for side in SIDES:
        logs[side] = osp.join(work_dir, f'{side}.log')
        if side in walls:
            continue  # trained by an earlier call
        run = getattr(demo, side)
        cmd = [sys.executable, train_script, run.config,
               '--work-dir', osp.join(work_dir, side), '--resume',
               '--cfg-options', *run.seed_options(seed), *extra]
        with open(logs[side], 'a') as log:
            procs[side] = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
        started[side] = time.time()
    start = time.time()
    while procs:
        time.sleep(POLL_S)
        for side, proc in list(procs.items()):
            if proc.poll() is None:
                continue
            del procs[side]
            if proc.returncode:
                for other in procs.values():
                    other.terminate()
                raise RuntimeError(f'the {side} run ({getattr(demo, side).config}) failed with '
                                   f'exit code {proc.returncode}; its log: {logs[side]}\n'
                                   f'{_tail(logs[side])}')
            walls[side] = time.time() - started[side]
            _record_wall_time(work_dir, side, walls[side])
        print_log(_progress_line(demo, logs, time.time() - start), logger='current')
    return walls


def _finished_wall_time(work_dir: str, side: str) -> Optional[float]:
    """The wall time of a side that an earlier call trained to the end, else None."""
    record = osp.join(work_dir, side, DONE_FILE)
    if not osp.isfile(record):
        return None
    with open(record) as f:
        return json.load(f)['wall_seconds']


def _record_wall_time(work_dir: str, side: str, seconds: float) -> None:
    with open(osp.join(work_dir, side, DONE_FILE), 'w') as f:
        json.dump(dict(wall_seconds=round(seconds, 1)), f)


def _progress_line(demo: Demo, logs: Dict[str, str], elapsed: float) -> str:
    done = {side: _progress_of(log) for side, log in logs.items()}
    slowest = min(done.values())
    eta = (f', ETA {format_duration(elapsed * (demo.total_iters - slowest) / slowest)}'
           if 0 < slowest < demo.total_iters else '')
    return (f'demo: {demo.baseline.name} {done["baseline"]}/{demo.total_iters}, '
            f'{demo.method.name} {done["method"]}/{demo.total_iters} iterations, '
            f'{format_duration(elapsed)} elapsed{eta}')


def _tail(log: str, lines: int = 15) -> str:
    with open(log, errors='replace') as f:
        return ''.join(f.readlines()[-lines:])


# ----------------------------------------------------------------------------- evaluation
def final_checkpoint(run_dir: str) -> str:
    """The run's last ``iter_N.pth``."""
    found = [(int(m.group(1)), name) for name in os.listdir(run_dir)
             if (m := re.fullmatch(r'iter_(\d+)\.pth', name))]
    if not found:
        raise UserError(f'{run_dir} holds no iter_N.pth checkpoint: the run did not finish')
    return osp.join(run_dir, max(found)[1])


def evaluate(config: str, checkpoint: str, options: Sequence[str], work_dir: str,
             keep: int = 4) -> Tuple[np.ndarray, List[dict], int]:
    """Per-class IoU (%) of ``checkpoint`` on the config's test set, the first ``keep``
    images with their ground truth and prediction (the picture's rows), and the number of
    images scored."""
    import torch
    from mmengine.config import Config

    from mmnoisy.apis.cli import build_runner
    from mmnoisy.evaluation.class_areas import ClassAreas

    cfg = Config.fromfile(config)
    cfg.merge_from_dict(_as_dict(options))
    cfg.work_dir, cfg.load_from, cfg.resume = work_dir, checkpoint, False
    cfg.visualizer = dict(type='SegLocalVisualizer', name=f'demo_{osp.basename(work_dir)}',
                          vis_backends=[dict(type='LocalVisBackend')])
    runner = build_runner(cfg)
    runner.load_or_resume()
    model = runner.model
    model.eval()
    num_classes = len(runner.test_dataloader.dataset.metainfo['classes'])
    areas, shown, scored = ClassAreas(num_classes), [], 0
    with torch.no_grad():
        for batch in runner.test_dataloader:
            for sample in model.test_step(batch):
                pred = sample.pred_sem_seg.data[0]
                label = sample.gt_sem_seg.data[0]
                areas.update(pred, label)
                scored += 1
                if len(shown) < keep:
                    shown.append(dict(img_path=sample.img_path, label=label.numpy(),
                                      pred=pred.numpy()))
    return 100 * areas.metrics()['IoU'], shown, scored


def _as_dict(options: Sequence[str]) -> dict:
    """``key=value`` strings as mmengine's command line reads them."""
    import argparse

    from mmengine.config import DictAction
    parser = argparse.ArgumentParser()
    parser.add_argument('--o', nargs='*', action=DictAction, default={})
    return parser.parse_args(['--o', *options]).o if options else {}


# -------------------------------------------------------------------------------- report
def comparison_table(classes: Sequence[str], names: Tuple[str, str], ious: Tuple[np.ndarray,
                     np.ndarray], walls: Tuple[float, float]) -> str:
    """Per-class IoU of both sides, the difference, mIoU and wall time (markdown)."""
    base, method = names
    rows = [f'| class | {base} | {method} | difference |', '| --- | ---: | ---: | ---: |']
    for name, a, b in zip(classes, *ious):
        rows.append(f'| {name} | {a:.2f} | {b:.2f} | {b - a:+.2f} |')
    means = [float(np.nanmean(iou)) for iou in ious]
    rows.append(f'| **mIoU** | **{means[0]:.2f}** | **{means[1]:.2f}** | '
                f'**{means[1] - means[0]:+.2f}** |')
    rows.append(f'| wall time | {format_duration(walls[0])} | {format_duration(walls[1])} | |')
    return '\n'.join(rows)


def draw_picture(path: str, names: Tuple[str, str], classes: Sequence[str],
                 palette: Sequence[Sequence[int]], shown: Tuple[List[dict], List[dict]],
                 ious: Tuple[np.ndarray, np.ndarray]) -> None:
    """Rows of val image | ground truth | baseline | method, and per-class IoU bars."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    from PIL import Image

    colours = np.zeros((256, 3), np.uint8)
    colours[:len(palette)] = np.asarray(palette, np.uint8)
    colours[255] = 255  # ignored pixels: white
    rows = len(shown[0])
    fig = plt.figure(figsize=(10, 2.4 * rows + 3.2))
    grid = fig.add_gridspec(rows + 1, 4, height_ratios=[1] * rows + [1.3])
    titles = ('image', 'ground truth', *names)
    for row, (left, right) in enumerate(zip(*shown)):
        panels = (np.asarray(Image.open(left['img_path']).convert('RGB')),
                  colours[left['label']], colours[left['pred']], colours[right['pred']])
        for col, panel in enumerate(panels):
            ax = fig.add_subplot(grid[row, col])
            ax.imshow(panel)
            ax.set_axis_off()
            if row == 0:
                ax.set_title(titles[col])
    bars = fig.add_subplot(grid[rows, :])
    x = np.arange(len(classes))
    for offset, name, iou in ((-0.2, names[0], ious[0]), (0.2, names[1], ious[1])):
        bars.bar(x + offset, np.nan_to_num(iou), width=0.4,
                 label=f'{name} (mIoU {np.nanmean(iou):.2f})')
    bars.set_xticks(x, classes, rotation=30)
    bars.set_ylabel('val IoU (%)')
    bars.legend(loc='lower left')
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def run_demo(name: str, train_script: str, seed: int = 0, work_dir: Optional[str] = None,
             extra: Sequence[str] = (), keep: int = 4) -> dict:
    """Generate the data, train both sides at once with ``train_script``, score them on
    val, write the table (``results.md``, ``results.json``) and the picture (``demo.png``)
    to ``work_dir``."""
    from mmnoisy.synthesis import generate_shapes_dataset

    if name not in DEMOS:
        raise UserError(f'unknown demo method {name!r}; choose one of {", ".join(DEMOS)}')
    demo = DEMOS[name]
    work_dir = work_dir or osp.join('work_dirs', f'demo_{name}_seed{seed}')
    os.makedirs(work_dir, exist_ok=True)
    start = time.time()
    generate_shapes_dataset(demo.data_root, demo.data_spec)
    print_log(f'demo: {demo.title}; training both at once (seed {seed}), logs in '
              f'{work_dir}/{{baseline,method}}.log', logger='current')
    walls = train_side_by_side(demo, seed, work_dir, train_script, extra)
    results = {}
    for side in SIDES:
        run = getattr(demo, side)
        options = [*run.seed_options(seed), *extra]
        checkpoint = final_checkpoint(osp.join(work_dir, side))
        results[side] = (run, checkpoint,
                         *evaluate(run.config, checkpoint, options,
                                   osp.join(work_dir, f'eval_{side}'), keep))
    return _report(demo, name, seed, work_dir, results, walls, time.time() - start)


def _report(demo: Demo, name: str, seed: int, work_dir: str, results: dict,
            walls: Dict[str, float], total: float) -> dict:
    from mmnoisy.datasets.shapes import ProceduralShapesDataset
    meta = ProceduralShapesDataset.METAINFO
    names = (demo.baseline.name, demo.method.name)
    ious = (results['baseline'][2], results['method'][2])
    table = comparison_table(meta['classes'], names, ious,
                             (walls.get('baseline', 0.0), walls.get('method', 0.0)))
    picture = osp.join(work_dir, 'demo.png')
    draw_picture(picture, names, meta['classes'], meta['palette'],
                 (results['baseline'][3], results['method'][3]), ious)
    summary = dict(
        method=name, seed=seed, title=demo.title, total_seconds=round(total, 1),
        runs={side: dict(name=run.name, config=run.config, checkpoint=checkpoint,
                         wall_seconds=round(walls.get(side, 0.0), 1),
                         mIoU=round(float(np.nanmean(iou)), 2),
                         IoU=[round(float(v), 2) for v in iou])
              for side, (run, checkpoint, iou, _, _) in results.items()})
    summary['difference'] = round(summary['runs']['method']['mIoU']
                                  - summary['runs']['baseline']['mIoU'], 2)
    with open(osp.join(work_dir, 'results.json'), 'w') as f:
        json.dump(summary, f, indent=1)
    scored = results['method'][4]
    text = (f'# {demo.title} (seed {seed})\n\nval IoU (%) of each run\'s last checkpoint on '
            f'the {scored} val images:\n\n{table}\n\nWhole demo: {format_duration(total)} (m:s). '
            f'Picture: {picture}\n')
    with open(osp.join(work_dir, 'results.md'), 'w') as f:
        f.write(text)
    print(f'\n{text}')
    return summary
