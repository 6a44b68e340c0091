"""Side-by-side demos: a baseline, the same training given the method's extra iterations,
and an imperfect-label method, trained on the embedded procedural data, scored on the same
val images, shown as a table and a picture.

``tools/demo.py --method NAME`` is the entry point; :data:`DEMOS` lists them. Every run is a
``tools/train.py`` process in its own work dir with ``--resume``, so an interrupted demo
continues where it stopped and a finished run is not trained again. Runs that start from
another's checkpoint wait for it; the others train at once, sharing the cores.
"""
import json
import os
import os.path as osp
import re
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.logging import MMLogger, print_log

from mmnoisy.synthesis import ShapesSpec
from mmnoisy.utils.errors import UserError
from mmnoisy.utils.output_dir import claim_output_dir
from mmnoisy.utils.progress import format_duration

SPLITS = 'ImageSets/Segmentation'
POLL_S = 10.0  # seconds between progress lines
DONE_FILE = 'demo_run.json'  # a run's wall time, written when it has trained to the end


def _say(message: str) -> None:
    """A line of the demo's own log: the evaluation runners it builds change mmengine's
    current logger (and its level), never this one."""
    print_log(message, logger=MMLogger.get_instance('mmnoisy_demo', log_level='INFO'))


@dataclass
class DemoRun:
    """One run of a demo.

    Args:
        name (str): What the table calls it.
        config (str): Config path (relative to the repository root, where the tools run).
        seed_options (callable): ``seed -> ['key=value', ...]``: the seed and its split.
        iters (int): Its training iterations (for the progress line).
        start_from (str, optional): The run whose last checkpoint it starts from
            (``load_from``), as self-training starts from its supervised model.
        labels_from (str, optional): A self-training run from the same start whose first
            round's pseudo labels it copies (:class:`~mmnoisy.pseudo.ReusedPseudoLabels`)
            instead of computing them again: ablations that share a teacher.
    """
    name: str
    config: str
    seed_options: Callable[[int], List[str]]
    iters: int
    start_from: Optional[str] = None
    labels_from: Optional[str] = None

    @property
    def needs(self) -> List[str]:
        """The runs that must have finished before it starts."""
        return [key for key in (self.start_from, self.labels_from) if key]


@dataclass
class Demo:
    """Runs compared on one variant of the procedural data.

    Args:
        title (str): One line on what is compared.
        data_root (str): Where the configs read the data.
        data_spec (ShapesSpec): The procedural data generated there.
        runs (dict): ``key -> DemoRun``, in table order: the baseline first, the method
            last; the table gives the method's difference to each of the others.
        prepare (callable, optional): ``data_root -> None``: what the runs need besides
            the generated data (e.g. noisy labels), written once; idempotent.
    """
    title: str
    data_root: str
    data_spec: ShapesSpec
    runs: Dict[str, DemoRun]
    prepare: Optional[Callable[[str], None]] = None

    @property
    def method(self) -> str:
        return list(self.runs)[-1]


def labelled_split(fraction: int) -> Callable[[int], List[str]]:
    """Seed options of a supervised run on the seed's 1/``fraction`` labelled split."""
    def options(seed: int) -> List[str]:
        return [f'randomness.seed={seed}',
                f'train_dataloader.dataset.ann_file={SPLITS}/{fraction}_labeled_{seed}.txt']
    return options


def semi_split(fraction: int) -> Callable[[int], List[str]]:
    """Seed options of a semi-supervised run (``semi_data``) on the seed's 1/``fraction``
    split."""
    def options(seed: int) -> List[str]:
        return [f'randomness.seed={seed}',
                f'semi_data.labeled_split={SPLITS}/{fraction}_labeled_{seed}.txt',
                f'semi_data.unlabeled_split={SPLITS}/{fraction}_unlabeled_{seed}.txt']
    return options


_labelled_split, _semi_split = labelled_split(20), semi_split(20)


def seed_only(seed: int) -> List[str]:
    return [f'randomness.seed={seed}']


ADELE_TRAIN, ADELE_VAL = 32, 100  # the first train / val images of the ADELE demo


def noisy_labels(data_root: str, tier: str = 'moderate') -> None:
    """The noisy labels of a tier for the train images (``tools/synth_noise.py``; written
    once to ``SegmentationClassNoisy_<tier>``) and the ADELE demo's lists of the first train
    and val images."""
    from mmnoisy.datasets.splits import read_ids, write_splits
    from mmnoisy.synthesis.noise import get_tier, synthesize_noisy_labels
    splits = osp.join(data_root, SPLITS)
    noisy = osp.join(data_root, f'SegmentationClassNoisy_{tier}')
    if not osp.isfile(osp.join(noisy, 'noise_report.json')):
        _say(f'demo: writing the {tier} noisy labels to {noisy}')
        synthesize_noisy_labels(osp.join(data_root, 'SegmentationClass'), noisy,
                                get_tier(tier), num_classes=9,
                                split=osp.join(splits, 'train.txt'))
    write_splits(dict(adele_train32=read_ids(osp.join(splits, 'train.txt'))[:ADELE_TRAIN],
                      adele_val100=read_ids(osp.join(splits, 'val.txt'))[:ADELE_VAL]), splits)


def _scribble_seed(seed: int) -> List[str]:
    """The seed, which also draws the scribbles (``SynthSparseLabels``, pipeline step 2)."""
    return [f'randomness.seed={seed}', f'train_dataloader.dataset.pipeline.2.seed={seed}']


def pretrained_vit(data_root: str) -> None:
    """The tiny ViT/14 pretrained on the pretraining corpus: made once (about 15 minutes
    on 2 cores, ``tools/pretrain_backbones.py --model vit``), then reused."""
    from .pretrained import pretrain_backbone
    pretrain_backbone('vit')


SUPERVISED = 'configs/demo/deeplabv2_r18-d8_1xb8-0.7k_shapes-cue-112x112-1-20.py'
SSVT_DEMO = 'configs/demo/linear_dinov2-tiny-{}_1xb8-0.5k_shapes-112x112_{}scribble.py'
ADELE_DEMO = 'configs/demo/deeplabv2_r18-d8_1xb8-60e_shapes-cue-112x112_{}-noisy-moderate-32.py'
ONLINE_DEMO = 'configs/demo/deeplabv2_r18-d8_1xb4-{}_shapes-cue-112x112_{}-1-20.py'
DEMOS: Dict[str, Demo] = dict(
    dst_cbc=Demo(
        title='DST-CBC vs supervised training, 50 labelled + 950 unlabelled images',
        data_root='data/shapes_cue',
        data_spec=ShapesSpec(colour_cue=True),
        runs=dict(
            supervised=DemoRun('supervised', SUPERVISED, _labelled_split, iters=700),
            # the round's 400 iterations spent on the labelled images instead
            longer=DemoRun('supervised +400 it', SUPERVISED,
                           lambda seed: [*_labelled_split(seed), 'train_cfg.max_iters=400'],
                           iters=400, start_from='supervised'),
            dst_cbc=DemoRun(
                'DST-CBC round',
                'configs/demo/deeplabv2_r18-d8_1xb8-1round_shapes-cue-112x112_dst-cbc-1-20.py',
                _semi_split, iters=400, start_from='supervised'))),
    unimatch=Demo(
        title='FixMatch and UniMatch vs supervised training, 50 labelled + 950 unlabelled '
        'images',
        data_root='data/shapes_cue',
        data_spec=ShapesSpec(colour_cue=True),
        runs=dict(
            supervised=DemoRun('supervised', SUPERVISED, _labelled_split, iters=700),
            # each given the wall time of the DST-CBC demo round
            fixmatch=DemoRun('FixMatch', ONLINE_DEMO.format('0.4k', 'fixmatch'), _semi_split,
                             iters=400, start_from='supervised'),
            unimatch=DemoRun('UniMatch', ONLINE_DEMO.format('0.3k', 'unimatch'), _semi_split,
                             iters=300, start_from='supervised'))),
    adele=Demo(
        title='ADELE vs plain training on noisy labels, 32 images with moderate noise',
        data_root='data/shapes_cue',
        data_spec=ShapesSpec(colour_cue=True),
        runs=dict(
            plain=DemoRun('plain CE', ADELE_DEMO.replace('{}-', ''), seed_only, iters=240),
            adele=DemoRun('ADELE', ADELE_DEMO.format('adele'), seed_only, iters=240)),
        prepare=noisy_labels),
    ssvt=Demo(
        title='SSVT (frozen pretrained ViT + linear head) vs the same ViT fine-tuned end to '
        'end, on scribbles of 1000 images',
        data_root='data/shapes',
        data_spec=ShapesSpec(),
        runs=dict(
            tuned=DemoRun('pretrained ViT, tuned', SSVT_DEMO.format('tuned', ''),
                          _scribble_seed, iters=500),
            random=DemoRun('random ViT, frozen', SSVT_DEMO.format('random-frozen', ''),
                           _scribble_seed, iters=500),
            ssvt=DemoRun('SSVT: pretrained ViT, frozen', SSVT_DEMO.format('frozen', 'ssvt-'),
                         _scribble_seed, iters=500)),
        prepare=pretrained_vit),
)


def hue_keeping_online_runs() -> Dict[str, DemoRun]:
    """The ``unimatch`` demo's FixMatch and UniMatch runs with strong views that keep each
    pixel's hue (``configs/demo/*keep-hue*``): the ablation that measures how much of their
    loss on the colour-cue data comes from the released views erasing the class colours."""
    runs = DEMOS['unimatch'].runs
    return {f'{key}_keep_hue': replace(
                runs[key], name=f'{runs[key].name}, hue kept',
                config=runs[key].config.replace('-1-20.py', '-keep-hue-1-20.py'))
            for key in ('fixmatch', 'unimatch')}


# ------------------------------------------------------------------------------- training
ITER_RE = re.compile(r'Iter\(train\) \[\s*(\d+)/(\d+)\]')
EPOCH_RE = re.compile(r'Epoch\(train\)\s*\[(\d+)\]\[\s*(\d+)/(\d+)\]')


def _progress_of(log: str) -> int:
    """The last training iteration a run's log reports (iteration- or epoch-based)."""
    if not osp.isfile(log):
        return 0
    with open(log, errors='replace') as f:
        text = f.read()
    if found := ITER_RE.findall(text):
        return int(found[-1][0])
    if found := EPOCH_RE.findall(text):
        epoch, index, per_epoch = map(int, found[-1])
        return (epoch - 1) * per_epoch + index
    return 0


def train_demo(demo: Demo, seed: int, work_dir: str, train_script: str,
               extra: Sequence[str] = (),
               when_trained: Callable[[str], None] = lambda key: None) -> Dict[str, float]:
    """Train the runs of ``demo`` with ``train_script`` (``tools/train.py``); returns each
    run's wall time in seconds.

    Runs that start from none train at once, then the ones that start from them; runs
    at once share the cores. Each one's output goes to ``<work_dir>/<run>.log``; progress
    and an ETA are printed every :data:`POLL_S` seconds. ``when_trained(key)`` is called
    as soon as a run has its last checkpoint, in the last stage while the others still
    train (scoring it then uses a core that would idle).
    """
    walls = {key: wall for key in demo.runs
             if (wall := _finished_wall_time(work_dir, key)) is not None}
    start = time.time()
    stages = _stages(demo)
    for stage in stages:
        todo = [key for key in stage if key not in walls]  # not trained by a former call
        threads = max(1, (os.cpu_count() or 1) // max(1, len(todo)))
        procs = {key: _launch(demo, key, seed, work_dir, train_script, extra, threads)
                 for key in todo}
        walls.update(_wait(demo, procs, work_dir, start,
                           when_trained if stage is stages[-1] else lambda key: None))
    return walls


def _stages(demo: Demo) -> List[List[str]]:
    """The runs in groups that train at once: each run in the group after the last of
    those it needs (:attr:`DemoRun.needs`)."""
    level: Dict[str, int] = {}

    def level_of(key: str, path: Tuple[str, ...] = ()) -> int:
        if key in path:
            raise UserError(f'demo runs {" -> ".join((*path, key))} need each other')
        if key not in level:
            needs = demo.runs[key].needs
            level[key] = 1 + max((level_of(k, (*path, key)) for k in needs), default=-1)
        return level[key]

    for key in demo.runs:
        level_of(key)
    return [[key for key in demo.runs if level[key] == n] for n in range(max(level.values()) + 1)]


def _log(work_dir: str, key: str) -> str:
    return osp.join(work_dir, f'{key}.log')


def training_env() -> Dict[str, str]:
    """The environment of a training process started by a tool: this process's, with the
    folder of the mmnoisy it imported first on ``PYTHONPATH``. ``tools/train.py`` run as a
    script would otherwise import whichever mmnoisy is installed, which can be an older copy
    than the code that scores its runs (a non-editable install of an earlier checkout)."""
    root = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))  # above mmnoisy/
    paths = [root, *[p for p in os.environ.get('PYTHONPATH', '').split(os.pathsep)
                     if p and osp.abspath(p) != root]]
    return dict(os.environ, PYTHONPATH=os.pathsep.join(paths))


def _launch(demo: Demo, key: str, seed: int, work_dir: str, train_script: str,
            extra: Sequence[str], threads: int) -> Tuple[subprocess.Popen, float]:
    run = demo.runs[key]
    options = [*run.seed_options(seed), *extra]
    if run.start_from:
        options.append(f'load_from={final_checkpoint(osp.join(work_dir, run.start_from))}')
    if run.labels_from:
        source = osp.join(work_dir, run.labels_from, 'round_1', 'pseudo')
        options += ['train_cfg.pseudo_labeler.type=ReusedPseudoLabels',
                    f'train_cfg.pseudo_labeler.source_dir={source}']
    cmd = [sys.executable, train_script, run.config, '--work-dir', osp.join(work_dir, key),
           '--resume', '--cfg-options', *options]
    env = dict(training_env(), OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    with open(_log(work_dir, key), 'a') as log:
        return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env), time.time()


def _wait(demo: Demo, procs: Dict[str, Tuple[subprocess.Popen, float]], work_dir: str,
          start: float, when_trained: Callable[[str], None]) -> Dict[str, float]:
    """Wait for the runs, printing progress; their wall times. A failed run stops the rest
    and names its log."""
    walls = {}
    while procs:
        time.sleep(POLL_S)
        for key, (proc, started) in list(procs.items()):
            if proc.poll() is None:
                continue
            del procs[key]
            if proc.returncode:
                for other, _ in procs.values():
                    other.terminate()
                raise RuntimeError(f'the {key} run ({demo.runs[key].config}) failed with '
                                   f'exit code {proc.returncode}; its log: '
                                   f'{_log(work_dir, key)}\n{_tail(_log(work_dir, key))}')
            walls[key] = time.time() - started
            _record_wall_time(work_dir, key, walls[key])
            if procs:
                when_trained(key)
        _say(_progress_line(demo, work_dir, time.time() - start,
                            {key: started for key, (_, started) in procs.items()}))
    return walls


def _finished_wall_time(work_dir: str, key: str) -> Optional[float]:
    """The wall time of a run that an earlier call trained to the end, else None."""
    record = osp.join(work_dir, key, DONE_FILE)
    if not osp.isfile(record):
        return None
    with open(record) as f:
        return json.load(f)['wall_seconds']


def _record_wall_time(work_dir: str, key: str, seconds: float) -> None:
    with open(osp.join(work_dir, key, DONE_FILE), 'w') as f:
        json.dump(dict(wall_seconds=round(seconds, 1)), f)


def _progress_line(demo: Demo, work_dir: str, elapsed: float,
                   running: Dict[str, float]) -> str:
    """The runs' iterations so far, the time elapsed and an ETA (:func:`eta_seconds`);
    ``running`` maps the runs in progress to the time they started."""
    done = {key: min(_progress_of(_log(work_dir, key)), run.iters)
            for key, run in demo.runs.items()}
    now = time.time()
    eta = eta_seconds({key: run.iters for key, run in demo.runs.items()}, done,
                      {key: now - started for key, started in running.items()})
    runs = ', '.join(f'{run.name} {done[key]}/{run.iters}' for key, run in demo.runs.items())
    return (f'demo: {runs} iterations, {format_duration(elapsed)} elapsed'
            + (f', ETA {format_duration(eta)}' if eta is not None else ''))


def eta_seconds(iters: Dict[str, int], done: Dict[str, int],
                running_for: Dict[str, float]) -> Optional[float]:
    """Seconds until the last run ends: each running run at its own pace so far, and the
    runs not started yet (they wait for the running ones) at the slowest pace seen. None
    until every running run has reported an iteration.

    Args:
        iters (dict): Each run's iterations.
        done (dict): Each run's iterations so far.
        running_for (dict): The runs in progress and their seconds since they started.
    """
    paces = {key: seconds / done[key] for key, seconds in running_for.items() if done[key]}
    if not paces or len(paces) < len(running_for):
        return None
    running = max(paces[key] * (iters[key] - done[key]) for key in running_for)
    waiting = [key for key in iters if key not in running_for and done[key] < iters[key]]
    slowest = max(paces.values())
    return running + max((slowest * iters[key] for key in waiting), default=0.0)


def _tail(log: str, lines: int = 15) -> str:
    with open(log, errors='replace') as f:
        return ''.join(f.readlines()[-lines:])


# ----------------------------------------------------------------------------- evaluation
def final_checkpoint(run_dir: str) -> str:
    """The run's last ``iter_N.pth`` (``epoch_N.pth`` for an epoch-based run)."""
    found = [(int(m.group(1)), name) for name in os.listdir(run_dir)
             if (m := re.fullmatch(r'(?:iter|epoch)_(\d+)\.pth', name))]
    if not found:
        raise UserError(f'{run_dir} holds no iter_N.pth or epoch_N.pth checkpoint: the run '
                        'did not finish')
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
    cfg.log_level = 'WARNING'  # the demo's own lines only, not each runner's environment
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
def comparison_table(classes: Sequence[str], names: Sequence[str],
                     ious: Sequence[np.ndarray], walls: Sequence[float]) -> str:
    """Per-class IoU of each run, the last run's difference to each other one, mIoU and
    wall time (markdown)."""
    others = range(len(names) - 1)
    header = [*names, *(f'{names[-1]} - {names[i]}' for i in others)]
    rows = ['| class | ' + ' | '.join(header) + ' |',
            '| --- |' + ' ---: |' * len(header)]

    def row(label, values, fmt='{:.2f}', bold=False):
        cells = [fmt.format(v) for v in values]
        cells += [f'{values[-1] - values[i]:+.2f}' for i in others]
        if bold:
            cells = [f'**{c}**' for c in cells]
        return f'| {label} | ' + ' | '.join(cells) + ' |'

    for c, name in enumerate(classes):
        rows.append(row(name, [iou[c] for iou in ious]))
    rows.append(row('**mIoU**', [float(np.nanmean(iou)) for iou in ious], bold=True))
    rows.append('| wall time | ' + ' | '.join(format_duration(w) for w in walls) + ' |'
                + ' |' * len(others))
    return '\n'.join(rows)


def draw_picture(path: str, names: Sequence[str], classes: Sequence[str],
                 palette: Sequence[Sequence[int]], images: List[dict],
                 predictions: Sequence[List[np.ndarray]], ious: Sequence[np.ndarray]) -> None:
    """Rows of val image | ground truth | each run's prediction, and per-class IoU bars."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    from PIL import Image

    colours = np.zeros((256, 3), np.uint8)
    colours[:len(palette)] = np.asarray(palette, np.uint8)
    colours[255] = 255  # ignored pixels: white
    cols = 2 + len(names)
    fig = plt.figure(figsize=(2.6 * cols, 2.4 * len(images) + 3.2))
    grid = fig.add_gridspec(len(images) + 1, cols, height_ratios=[1] * len(images) + [1.3])
    titles = ('image', 'ground truth', *names)
    for row, image in enumerate(images):
        panels = [np.asarray(Image.open(image['img_path']).convert('RGB')),
                  colours[image['label']], *(colours[pred[row]] for pred in predictions)]
        for col, panel in enumerate(panels):
            ax = fig.add_subplot(grid[row, col])
            ax.imshow(panel)
            ax.set_axis_off()
            if row == 0:
                ax.set_title(titles[col])
    bars = fig.add_subplot(grid[len(images), :])
    x, width = np.arange(len(classes)), 0.8 / len(names)
    for i, (name, iou) in enumerate(zip(names, ious)):
        bars.bar(x + (i - (len(names) - 1) / 2) * width, np.nan_to_num(iou), width=width,
                 label=f'{name} (mIoU {np.nanmean(iou):.2f})')
    bars.set_xticks(x, classes, rotation=30)
    bars.set_ylabel('val IoU (%)')
    bars.legend(loc='upper right')
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def run_demo(name: str, train_script: str, seed: int = 0, work_dir: Optional[str] = None,
             extra: Sequence[str] = (), keep: int = 4, demo: Optional[Demo] = None) -> dict:
    """Generate the data, train the runs with ``train_script``, score their last
    checkpoints on val, write the table (``results.md``, ``results.json``) and the picture
    (``demo.png``) to ``work_dir``.

    Args:
        name (str): A key of :data:`DEMOS`, or the name of ``demo``.
        train_script (str): ``tools/train.py``.
        seed (int): The runs' seed and split. Default: 0.
        work_dir (str, optional): Default: ``work_dirs/demo_<name>_seed<seed>``.
        extra (Sequence[str]): ``key=value`` config changes of every run.
        keep (int): Val images in the picture. Default: 4.
        demo (Demo, optional): Runs to compare instead of ``DEMOS[name]`` (the
            benchmarks' variants of a demo).
    """
    from mmnoisy.synthesis import generate_shapes_dataset

    if demo is None and name not in DEMOS:
        raise UserError(f'unknown demo method {name!r}; choose one of {", ".join(DEMOS)}')
    demo = demo or DEMOS[name]
    work_dir = work_dir or osp.join('work_dirs', f'demo_{name}_seed{seed}')
    # never among the data, nor over another tool's files; its own earlier output resumes
    claim_output_dir(work_dir, [demo.data_root], 'demo')
    start = time.time()
    generate_shapes_dataset(demo.data_root, demo.data_spec)
    if demo.prepare is not None:
        demo.prepare(demo.data_root)
    _say(f'demo: {demo.title} (seed {seed}); logs in {work_dir}/<run>.log')
    scores = {}

    def score(key: str) -> None:
        run = demo.runs[key]
        checkpoint = final_checkpoint(osp.join(work_dir, key))
        scores[key] = (checkpoint, *evaluate(run.config, checkpoint,
                                             [*run.seed_options(seed), *extra],
                                             osp.join(work_dir, f'eval_{key}'), keep))

    def score_while_training(key: str) -> None:
        # one core is free: the scores of every run trained so far
        import torch
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        for done in demo.runs:
            if done not in scores and _finished_wall_time(work_dir, done) is not None:
                score(done)
        torch.set_num_threads(threads)

    walls = train_demo(demo, seed, work_dir, train_script, extra, score_while_training)
    for key in demo.runs:
        if key not in scores:
            score(key)
    return _report(demo, name, seed, work_dir, scores, walls, time.time() - start)


def _report(demo: Demo, name: str, seed: int, work_dir: str, scores: dict,
            walls: Dict[str, float], total: float) -> dict:
    from mmnoisy.datasets.shapes import ProceduralShapesDataset
    meta = ProceduralShapesDataset.METAINFO
    keys = list(demo.runs)
    names = [demo.runs[key].name for key in keys]
    ious = [scores[key][1] for key in keys]
    table = comparison_table(meta['classes'], names, ious, [walls.get(k, 0.0) for k in keys])
    picture = osp.join(work_dir, 'demo.png')
    draw_picture(picture, names, meta['classes'], meta['palette'], scores[keys[0]][2],
                 [[shown['pred'] for shown in scores[key][2]] for key in keys], ious)
    runs = {key: dict(name=demo.runs[key].name, config=demo.runs[key].config,
                      checkpoint=scores[key][0], wall_seconds=round(walls.get(key, 0.0), 1),
                      mIoU=round(float(np.nanmean(scores[key][1])), 2),
                      IoU=[round(float(v), 2) for v in scores[key][1]])
            for key in keys}
    method = runs[demo.method]
    summary = dict(method=name, seed=seed, title=demo.title, total_seconds=round(total, 1),
                   runs=runs, differences={key: round(method['mIoU'] - runs[key]['mIoU'], 2)
                                           for key in keys[:-1]})
    with open(osp.join(work_dir, 'results.json'), 'w') as f:
        json.dump(summary, f, indent=1)
    text = (f'# {demo.title} (seed {seed})\n\nval IoU (%) of each run\'s last checkpoint on '
            f'the {scores[keys[0]][3]} val images:\n\n{table}\n\nWhole demo: '
            f'{format_duration(total)}. Picture: {picture}\n')
    with open(osp.join(work_dir, 'results.md'), 'w') as f:
        f.write(text)
    print(f'\n{text}')
    return summary
