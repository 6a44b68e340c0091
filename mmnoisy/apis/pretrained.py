"""Backbones pretrained on the procedural pretraining corpus, once and cached.

The papers start from ImageNet / COCO / DINOv2 weights; the CPU benchmarks start from these:
the benchmark CNN's ResNet-18 and the small ViT/14, each trained with supervision on the
pretraining corpus (``ShapesSpec(corpus='pretrain')``: other classes, textures and scenes
than the benchmark data) by a config of ``configs/pretrain/`` through the mmnoisy runner.
``tools/pretrain_backbones.py`` is the entry point; docs/pretrained.md has the recipes.

:func:`pretrain_backbone` writes ``checkpoints/pretrained/<name>.pth``: the backbone's own
weights (they load through ``init_cfg=dict(type='Pretrained', checkpoint=...)`` and through
``load_from``) and a ``meta`` dict of the settings that made it with their hash. A second call
with the same settings reuses the file; other settings are refused unless ``overwrite``.
Beside it: ``<name>.json`` (the meta and the loss curve) and ``<name>_loss.png``. The meta
holds a linear-probe score: the frozen backbone under a BN + 1x1 conv head trained briefly on
the colour-cue benchmark data's 1/20 split, against the same probe on a random backbone.

:func:`check_pretrained` is what a benchmark calls before it starts.
"""
import hashlib
import json
import os
import os.path as osp
import time
from dataclasses import asdict, dataclass
from glob import glob
from typing import Dict, List, Optional, Sequence

from mmengine.config import Config

from mmnoisy.engine.checkpoint import (is_backbone_checkpoint, read_checkpoint,
                                       save_backbone_checkpoint)
from mmnoisy.synthesis import ShapesSpec, generate_shapes_dataset
from mmnoisy.utils.errors import CheckpointError, UserError
from mmnoisy.utils.output_dir import claim_output_dir
from mmnoisy.utils.progress import format_duration
from mmnoisy.version import __version__
from .cli import build_runner

TOOL = 'tools/pretrain_backbones.py'
PRETRAINED_DIR = 'checkpoints/pretrained'
CORPUS_ROOT = 'data/pretrain_shapes'
CORPUS = ShapesSpec(num_train=4000, num_val=100, min_size=128, max_size=192, max_objects=8,
                    corpus='pretrain')
PROBE_ROOT = 'data/shapes_cue'  # generated as ShapesSpec(colour_cue=True) when missing
PROBE_DATA = ShapesSpec(colour_cue=True)
# Keys of a backbone config that do not change what its weights are.
NOT_ARCH = ('init_cfg', 'pretrained', 'frozen', 'frozen_stages', 'norm_eval', 'out_indices',
            'drop_path_rate')
# What a benchmark requires of a checkpoint (besides the model it was made for).
CHECKED = ('arch', 'corpus', 'iters', 'seed', 'options')


@dataclass(frozen=True)
class Recipe:
    """How one backbone is pretrained and probed.

    Args:
        name (str): The checkpoint's file name (without ``.pth``).
        config (str): The pretraining config (``configs/pretrain/``).
        probe_config (str): The linear-probe config; its backbone's ``init_cfg`` is set to
            the checkpoint (or to None for the random-init probe).
    """
    name: str
    config: str
    probe_config: str


RECIPES: Dict[str, Recipe] = dict(
    r18=Recipe('deeplabv2-r18-d8_pretrain-shapes',
               'configs/pretrain/deeplabv2_r18-d8_1xb8-4k_pretrain-shapes-112x112.py',
               'configs/pretrain/linear_deeplabv2-r18-d8-frozen_1xb8-0.5k_shapes-cue-112x112_'
               'probe-1-20.py'),
    vit=Recipe('dinov2-tiny_pretrain-shapes',
               'configs/pretrain/linear_dinov2-tiny_1xb8-8k_pretrain-shapes-112x112.py',
               'configs/pretrain/linear_dinov2-tiny-frozen_1xb8-0.5k_shapes-cue-112x112_'
               'probe-1-20.py'))


def recipe_of(model: str) -> Recipe:
    if model not in RECIPES:
        raise UserError(f'unknown model {model!r}; choose one of {", ".join(RECIPES)}')
    return RECIPES[model]


def checkpoint_path(model: str, out_dir: str = PRETRAINED_DIR) -> str:
    """Where ``model``'s pretrained backbone is written."""
    return osp.join(out_dir, recipe_of(model).name + '.pth')


def make_command(model: str) -> str:
    return f'python {TOOL} --model {model}'


# -------------------------------------------------------------------------------- settings
def _plain(value):
    """``value`` as JSON reads it back (tuples as lists, ConfigDicts as dicts)."""
    return json.loads(json.dumps(value))


def _set_iters(cfg: Config, iters: int) -> None:
    """Shorten or lengthen an iteration-based config to ``iters``: the schedulers' begin/end
    scaled (each stage at least one iteration), validation at the end, checkpoints and log
    lines no rarer than the run allows."""
    old = cfg.train_cfg.max_iters
    for scheduler in cfg.param_scheduler:
        for key in ('begin', 'end'):
            if scheduler.get(key):
                scheduler[key] = min(iters, max(1, round(scheduler[key] * iters / old)))
    cfg.train_cfg.max_iters = cfg.train_cfg.val_interval = iters
    hooks = cfg.default_hooks
    hooks.checkpoint.interval = min(hooks.checkpoint.interval, iters)
    hooks.logger.interval = min(hooks.logger.interval, max(1, iters // 20))


def pretrain_config(model: str, iters: Optional[int] = None, seed: Optional[int] = None,
                    options: Optional[dict] = None) -> Config:
    """The pretraining config of ``model`` with the changes asked for.

    Args:
        model (str): A key of :data:`RECIPES`.
        iters (int, optional): Training iterations (the schedule scaled). Default: the
            config's.
        seed (int, optional): Default: the config's.
        options (dict, optional): Merged into the config (``--cfg-options``).
    """
    cfg = Config.fromfile(recipe_of(model).config)
    if options:
        cfg.merge_from_dict(options)
    if iters is not None:
        _set_iters(cfg, iters)
    if seed is not None:
        cfg.randomness = dict(cfg.get('randomness') or {}, seed=seed)
    return cfg


def backbone_arch(backbone_cfg: dict) -> dict:
    """What a backbone config says about its weights (type, sizes, norm), without how it is
    initialised or trained (:data:`NOT_ARCH`)."""
    return _plain({k: v for k, v in backbone_cfg.items() if k not in NOT_ARCH})


def pretrain_settings(model: str, iters: Optional[int] = None, seed: Optional[int] = None,
                      corpus: ShapesSpec = CORPUS, options: Optional[dict] = None) -> dict:
    """Everything that makes ``model``'s checkpoint what it is, as plain values; the
    arguments as for :func:`pretrain_config`, ``corpus`` the data it trains on."""
    cfg = pretrain_config(model, iters, seed, options)
    return _plain(dict(
        model=model, config=recipe_of(model).config, arch=backbone_arch(cfg.model.backbone),
        corpus=asdict(corpus), iters=cfg.train_cfg.max_iters, seed=cfg.randomness.seed,
        options=options or {}, mmnoisy_version=__version__))


def settings_hash(settings: dict) -> str:
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:16]


def expected_meta(model: str) -> dict:
    """What a benchmark requires of ``model``'s checkpoint: the documented recipe."""
    settings = pretrain_settings(model)
    return dict(model=model, **{key: settings[key] for key in CHECKED})


def _differences(found: dict, wanted: dict, labels: Sequence[str],
                 prefix: str = '') -> List[str]:
    """``key found-value (label) vs wanted-value (label)`` for every entry of ``wanted``
    that ``found`` does not hold, nested keys dotted: of ``wanted``'s keys at the top, of both
    dicts' keys below (an option or arch entry only one side has differs too)."""
    out = []
    keys = [*wanted, *(k for k in found if k not in wanted)] if prefix else list(wanted)
    for key in keys:
        have, want = found.get(key, '<none>'), wanted.get(key, '<none>')
        if isinstance(want, dict) and isinstance(have, dict):
            out += _differences(have, want, labels, f'{prefix}{key}.')
        elif have != want:
            out.append(f'{prefix}{key} {have!r} ({labels[0]}) vs {want!r} ({labels[1]})')
    return out


# ------------------------------------------------------------------------------- checking
def read_pretrained_meta(path: str) -> dict:
    """The meta of a backbone checkpoint written by :func:`pretrain_backbone`.

    Raises:
        CheckpointError: the file cannot be read safely, or is no such checkpoint.
    """
    checkpoint = read_checkpoint(path, option='pretrained backbone')
    if not is_backbone_checkpoint(checkpoint) or 'hash' not in checkpoint['meta']:
        raise CheckpointError(f'{path} is not a pretrained backbone written by {TOOL} (it has '
                              'no pretraining meta); move it away or choose another --out-dir')
    return checkpoint['meta']


def check_pretrained(path: str, expected: dict) -> dict:
    """Refuse to start on a missing pretrained backbone, or on one made otherwise than
    ``expected``; return its meta.

    Args:
        path (str): The checkpoint, e.g. ``checkpoint_path('r18')``.
        expected (dict): The meta it must hold, e.g. :func:`expected_meta` ``('r18')``:
            its ``model`` (which names the command that makes the file) and the entries of
            :data:`CHECKED` to compare.

    Raises:
        UserError: the file is missing (naming the command that makes it), is no pretrained
            backbone, or differs from ``expected`` (naming each difference).
    """
    command = make_command(expected['model'])
    if not osp.isfile(path):
        raise UserError(f'pretrained backbone {path} does not exist; make it first with '
                        f'`{command}` (docs/pretrained.md)')
    meta = read_pretrained_meta(path)
    differences = _differences(meta, expected, ('file', 'expected'))
    if differences:
        raise UserError(f'pretrained backbone {path} was not made as the benchmark expects: '
                        f'{"; ".join(differences)}. Remake it with `{command} --overwrite`')
    return meta


def _cached(path: str, settings: dict, digest: str, overwrite: bool) -> Optional[dict]:
    """The meta of the checkpoint at ``path`` if it was made with ``settings``; None when
    there is none or ``overwrite`` allows replacing another one."""
    if not osp.exists(path):
        return None
    meta = read_pretrained_meta(path)
    if meta['hash'] == digest:
        return meta
    if overwrite:
        return None
    differences = _differences(meta, settings, ('file', 'now'))
    raise UserError(f'{path} was pretrained with other settings ({"; ".join(differences)}); '
                    'pass --overwrite to replace it, or --out-dir to keep both')


# ------------------------------------------------------------------------------- training
def _point_data(cfg: Config, data_root: str, workers: Optional[int]) -> None:
    for split in ('train', 'val', 'test'):
        loader = cfg.get(f'{split}_dataloader')
        if loader is None:
            continue
        loader.dataset.data_root = data_root
        if workers is not None:
            loader.num_workers, loader.persistent_workers = workers, workers > 0


def _build_runner(cfg: Config, work_dir: str, label: str, resume: bool = False):
    """Build the runner of ``cfg`` in ``work_dir``, named apart from the other runners of this
    process (mmengine keeps one logger and visualizer per name)."""
    name = f'{label}_{time.strftime("%Y%m%d_%H%M%S")}_{time.monotonic_ns()}'
    cfg.work_dir, cfg.resume, cfg.launcher, cfg.experiment_name = work_dir, resume, 'none', name
    cfg.visualizer = dict(cfg.visualizer, name=name)
    return build_runner(cfg)


def _train(model: str, settings: dict, run_dir: str, corpus_root: str,
           workers: Optional[int]) -> float:
    """Train the pretraining config in ``run_dir`` (resuming an interrupted run of the same
    settings) and write ``run_dir/backbone.pth``; returns the training wall time."""
    cfg = pretrain_config(model, settings['iters'], settings['seed'], settings['options'])
    _point_data(cfg, corpus_root, workers)
    runner = _build_runner(cfg, run_dir, f'pretrain_{model}', resume=True)
    start = time.time()
    runner.train()
    seconds = time.time() - start
    save_backbone_checkpoint(osp.join(run_dir, 'backbone.pth'),
                             runner.model.backbone.state_dict(),
                             dict(settings, hash=settings_hash(settings),
                                  pretrain_seconds=round(seconds, 1)))
    return seconds


def probe(model: str, backbone: Optional[str], data_root: str, work_dir: str,
          iters: Optional[int] = None, workers: Optional[int] = None) -> dict:
    """Train ``model``'s linear probe on a frozen backbone and score it on the val set.

    Args:
        model (str): A key of :data:`RECIPES`.
        backbone (str, optional): The backbone checkpoint (loaded through ``init_cfg``);
            None probes a randomly initialised backbone.
        data_root (str): The benchmark data (colour-cue shapes, its 1/20 split).
        work_dir (str): The probe run's work dir.
        iters (int, optional): Probe iterations. Default: the probe config's.
        workers (int, optional): Dataloader workers. Default: the config's.

    Returns:
        dict: ``mIoU``, ``mAcc``, ``aAcc`` (%) on the val set.
    """
    cfg = Config.fromfile(recipe_of(model).probe_config)
    if iters is not None:
        _set_iters(cfg, iters)
    _point_data(cfg, data_root, workers)
    cfg.model.backbone.init_cfg = (dict(type='Pretrained', checkpoint=backbone)
                                   if backbone else None)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None  # scored once, by test()
    runner = _build_runner(cfg, work_dir, f'probe_{model}')
    runner.train()
    metrics = runner.test()
    return {key: round(float(metrics[key]), 2) for key in ('mIoU', 'mAcc', 'aAcc')}


def loss_curve(run_dir: str) -> Dict[str, list]:
    """``iter`` and ``loss`` of the training log lines of the run(s) in ``run_dir`` (the
    LocalVisBackend's ``scalars.json``; a resumed run's later lines win)."""
    losses = {}
    for path in sorted(glob(osp.join(run_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            for line in f:
                record = json.loads(line)
                if 'loss' in record and 'iter' in record:
                    losses[record['iter']] = record['loss']
    iters = sorted(losses)
    return dict(iter=iters, loss=[losses[i] for i in iters])


def plot_loss_curve(curve: Dict[str, list], path: str, title: str) -> None:
    """The training loss against the iteration, as a PNG."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5, 3.2))
    ax.plot(curve['iter'], curve['loss'], color='tab:blue')
    ax.set_xlabel('iteration')
    ax.set_ylabel('training loss')
    ax.set_title(title, fontsize=9)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _write_json(path: str, content: dict) -> None:
    tmp = f'{path}.{os.getpid()}.tmp'
    with open(tmp, 'w') as f:
        json.dump(content, f, indent=1)
    os.replace(tmp, path)


def pretrain_backbone(model: str,
                      iters: Optional[int] = None,
                      seed: Optional[int] = None,
                      corpus: ShapesSpec = CORPUS,
                      options: Optional[dict] = None,
                      out_dir: str = PRETRAINED_DIR,
                      corpus_root: str = CORPUS_ROOT,
                      probe_root: str = PROBE_ROOT,
                      probe_iters: Optional[int] = None,
                      work_dir: Optional[str] = None,
                      workers: Optional[int] = None,
                      overwrite: bool = False) -> dict:
    """Pretrain ``model``'s backbone, probe it, and write its checkpoint (once: cached).

    Args:
        model (str): ``'r18'`` or ``'vit'`` (:data:`RECIPES`).
        iters (int, optional): Pretraining iterations. Default: the config's.
        seed (int, optional): Default: the config's.
        corpus (ShapesSpec): The pretraining corpus. Default: :data:`CORPUS`.
        options (dict, optional): Changes to the pretraining config (``--cfg-options``).
        out_dir (str): Where ``<name>.pth``, ``<name>.json`` and ``<name>_loss.png`` go.
        corpus_root (str): The corpus folder (generated there if missing).
        probe_root (str): The probe's data (colour-cue shapes; generated if missing).
        probe_iters (int, optional): Probe iterations. Default: the probe config's.
        work_dir (str, optional): The runs' folder. Default: ``work_dirs/pretrain/<name>``.
        workers (int, optional): Dataloader workers of every run. Default: the configs'.
        overwrite (bool): Replace a checkpoint (and a corpus folder) made with other settings.

    Returns:
        dict: The checkpoint's meta (settings, ``hash``, ``pretrain_seconds``, ``probe``).
    """
    recipe = recipe_of(model)
    if osp.exists(out_dir) and not osp.isdir(out_dir):
        raise UserError(f'--out-dir {out_dir} is a file, not a folder: choose a folder for the '
                        'checkpoints')
    settings = pretrain_settings(model, iters, seed, corpus, options)
    probe_iters = probe_iters or Config.fromfile(recipe.probe_config).train_cfg.max_iters
    digest = settings_hash(settings)
    path = checkpoint_path(model, out_dir)
    meta = _cached(path, settings, digest, overwrite)
    if meta is not None:
        print(f'{model}: reusing {path}, pretrained with the same settings (hash {digest}); '
              'pass other settings and --overwrite to make another')
        return meta
    work_dir = work_dir or osp.join('work_dirs', 'pretrain', recipe.name)
    claim_output_dir(work_dir, [corpus_root, probe_root], 'pretrain_backbones')
    run_dir = osp.join(work_dir, digest)  # one folder per settings: resumable, never mixed
    backbone = osp.join(run_dir, 'backbone.pth')
    if not osp.isfile(backbone):
        generate_shapes_dataset(corpus_root, corpus, workers=workers or 0, overwrite=overwrite)
        _train(model, settings, run_dir, corpus_root, workers)
    meta = read_pretrained_meta(backbone)
    if not osp.isdir(probe_root):
        generate_shapes_dataset(probe_root, PROBE_DATA, workers=workers or 0)
    scores = {kind: probe(model, backbone if kind == 'pretrained' else None, probe_root,
                          osp.join(run_dir, f'probe_{kind}'), probe_iters, workers)
              for kind in ('pretrained', 'random')}
    meta['probe'] = dict(config=recipe.probe_config, data=probe_root, iters=probe_iters,
                         **scores)
    curve = loss_curve(run_dir)
    os.makedirs(out_dir, exist_ok=True)
    stem = osp.join(out_dir, recipe.name)
    plot_loss_curve(curve, f'{stem}_loss.png',
                    f'{recipe.name}: {settings["iters"]} iterations on the pretraining corpus')
    _write_json(f'{stem}.json', dict(meta, loss_curve=curve))
    state = read_checkpoint(backbone, option='pretrained backbone')['state_dict']
    save_backbone_checkpoint(path, state, meta)  # last: the file is the cache
    print(f'{model}: wrote {path} ({settings["iters"]} iterations in '
          f'{format_duration(meta["pretrain_seconds"])}); linear probe on {probe_root} (1/20 '
          f'labels): {scores["pretrained"]["mIoU"]:.2f} mIoU pretrained vs '
          f'{scores["random"]["mIoU"]:.2f} random init')
    return meta
