"""When can ADELE's label correction act? Its precision and recall per kind of noise.

    python tools/benchmark/adele_correctability.py            # tiers cam, wrong_class, moderate
    python tools/benchmark/adele_correctability.py --tiers wrong_class --epochs 5 10 60

For each noise tier (``mmnoisy.synthesis.noise.TIERS``), plain cross entropy is trained
from the pretrained ResNet-18 (``tools/pretrain_backbones.py --model r18``) on the tier's
noisy labels of the ADELE demo's 32 colour-cue images, 60 epochs, a checkpoint every 5
(``configs/benchmark/deeplabv2_r18-d8-pretrained_1xb8-60e_shapes-cue-112x112_noisy-moderate-32.py``
with the tier's label folder; resumable, in ``--work-dir/<tier>_seed<k>/``). Its ADELE hook
records the training-IoU curves and the epoch each class triggers, and corrects nothing.

Then, at each chosen checkpoint, the correction pass the hook would run after that epoch
(its multi-scale predictions, flipped from epoch 10 on, the classes triggered by then) is
applied under each setting (softmax temperature x ADELE's class constraint, rule 2) and
scored against the clean labels (:class:`mmnoisy.evaluation.CorrectionQuality`): pixels
changed, precision, recall, net share of the wrong pixels removed, and what bounds any rule:
the share of wrongly labelled pixels the model predicts as their clean class, as their
noisy class, and as their clean class above ``tau``, and the share of all pixels above
``tau``. ``--all-classes`` corrects with every
class instead, as if all had triggered: the rule's quality apart from the triggers' timing;
``--crf`` adds temperature 3 with the released dense CRF (the authors' command). Writes
``correctability[_all_classes][_crf].json`` and ``.md`` to ``--work-dir``. Run it from the
repository root.
"""
import argparse
import glob
import json
import os
import os.path as osp
import subprocess
import sys
import time

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from mmnoisy.apis.cli import run_cli  # noqa: E402
from mmnoisy.utils.errors import UserError  # noqa: E402
from mmnoisy.utils.progress import format_duration  # noqa: E402

TRAIN = 'tools/train.py'
CONFIG = ('configs/benchmark/'
          'deeplabv2_r18-d8-pretrained_1xb8-60e_shapes-cue-112x112_noisy-moderate-32.py')
DATA_ROOT = 'data/shapes_cue'
EPOCHS = 60
CHECKPOINT_EVERY = 5


def parse_args():
    from mmnoisy.synthesis.noise import TIERS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--tiers', nargs='+', default=['cam', 'wrong_class', 'moderate'],
                        choices=sorted(TIERS), help='noise tiers to measure')
    parser.add_argument('--seed', type=int, default=0, help='training seed')
    parser.add_argument('--epochs', nargs='+', type=int, default=[5, 10, 20, 40, 60],
                        help=f'checkpoints to measure (multiples of {CHECKPOINT_EVERY}, '
                        f'at most {EPOCHS})')
    parser.add_argument('--temperatures', nargs='+', type=float, default=[3.0, 1.0],
                        help='softmax temperatures of the predictions (3: as released)')
    parser.add_argument('--all-classes', action='store_true',
                        help='correct with every class, as if all had triggered: the '
                        'rule\'s quality apart from the timing of the triggers')
    parser.add_argument('--crf', action='store_true',
                        help='also measure temperature 3 with the released dense CRF (the '
                        'authors\' command), from the flip\'s epoch on as in the hook')
    parser.add_argument('--work-dir', default='work_dirs/adele_correctability')
    return parser.parse_args()


def train(tier: str, seed: int, work_dir: str) -> None:
    """Plain CE on the tier's noisy labels, a checkpoint every 5 epochs (resumes)."""
    from mmnoisy.apis.demo import training_env
    if osp.isfile(osp.join(work_dir, f'epoch_{EPOCHS}.pth')):
        return
    os.makedirs(work_dir, exist_ok=True)
    log = osp.join(work_dir + '.log')
    print(f'correctability: training plain CE on the {tier} labels (seed {seed}); log {log}',
          flush=True)
    start = time.time()
    with open(log, 'a') as f:
        code = subprocess.call(
            [sys.executable, TRAIN, CONFIG, '--work-dir', work_dir, '--resume', '--cfg-options',
             f'randomness.seed={seed}',
             f'train_dataloader.dataset.dataset.data_prefix.seg_map_path='
             f'SegmentationClassNoisy_{tier}',
             f'default_hooks.checkpoint.interval={CHECKPOINT_EVERY}',
             'default_hooks.checkpoint.max_keep_ckpts=-1'], stdout=f, stderr=subprocess.STDOUT,
            env=training_env())
    if code:
        raise UserError(f'training on the {tier} labels failed (exit {code}); see {log}')
    print(f'correctability: trained in {format_duration(time.time() - start)}', flush=True)


def triggered_by(work_dir: str, epoch: int) -> list:
    """The update set of the pass after ``epoch`` epochs: the background, then the classes
    the run's hook had triggered by then (0-based epoch ``epoch - 1``)."""
    with open(osp.join(work_dir, 'adele_curves.json')) as f:
        triggered = json.load(f)['triggered']
    classes = sorted(int(c) for c, at in triggered.items() if at <= epoch - 1)
    return [0] + classes if classes else []


def measure(tier: str, work_dir: str, epochs, temperatures, all_classes: bool = False,
            crf: bool = False) -> list:
    """One row per (epoch, temperature [+ CRF], class constraint): the pass's quality."""
    import mmcv
    import numpy as np
    from mmengine.config import Config

    from mmnoisy.apis.cli import build_runner
    from mmnoisy.datasets.label_io import read_label
    from mmnoisy.evaluation import CorrectionQuality
    from mmnoisy.pseudo.dense_crf import DenseCRFParams
    from mmnoisy.pseudo.label_correction import correct_label, predict_multiscale
    from mmnoisy.registry import DATASETS, HOOKS

    cfg = Config.fromfile(glob.glob(osp.join(work_dir, '*.py'))[0])
    hook = HOOKS.build(cfg.custom_hooks[0])  # the released scales, tau and flip epoch
    rows = []
    for epoch in epochs:
        cfg.work_dir = osp.join(work_dir, 'measure')
        cfg.load_from, cfg.resume, cfg.log_level = (
            osp.join(work_dir, f'epoch_{epoch}.pth'), False, 'WARNING')
        runner = build_runner(cfg)
        runner.load_or_resume()
        model = runner.model.eval()
        dataset = DATASETS.build(cfg.train_dataloader.dataset)
        num_classes = len(dataset.metainfo['classes'])
        update = (list(range(num_classes)) if all_classes else triggered_by(work_dir, epoch))
        flip = epoch - 1 >= hook.flip_from_epoch
        labels = [(mmcv.imread(info['img_path']), read_label(info['noisy_seg_map_path'])[0],
                   read_label(info['clean_seg_map_path'])[0])
                  for info in map(dataset.get_data_info, range(len(dataset)))]
        # the released CRF refines the predictions from the flip's epoch on, as in the hook
        settings = [(t, None) for t in temperatures] + (
            [(3.0, DenseCRFParams.build(True))] if crf and flip else [])
        for temperature, crf_params in settings:
            quality = {True: CorrectionQuality(), False: CorrectionQuality()}
            for img, noisy, clean in labels:
                pred, max_prob = predict_multiscale(model, img, hook.scales, flip, temperature,
                                                    crf_params)
                for constraint, counts in quality.items():
                    new = (correct_label(noisy, pred, max_prob, update, hook.tau, constraint)
                           if update else noisy)
                    counts.add(noisy, new, clean, pred, max_prob > hook.tau)
            for constraint, counts in quality.items():
                rows.append(dict(tier=tier, epoch=epoch, update_classes=update,
                                 temperature=temperature, crf=crf_params is not None,
                                 class_constraint=constraint, flip=flip,
                                 **counts.summary()))
                print(format_row(rows[-1]), flush=True)
    return rows


HEADER = ('| tier | epoch | triggered | T | class constraint | labels changed | pixels changed '
          '| precision | recall | net | wrong px predicted clean / noisy | clean and > tau '
          '| px > tau |')


def format_row(row: dict) -> str:
    triggered = len(row['update_classes']) - 1 if row['update_classes'] else 0
    return (f'| {row["tier"]} | {row["epoch"]} | {triggered}/8 | {row["temperature"]:g} | '
            f'{"on" if row["class_constraint"] else "off"} | '
            f'{row["images_changed"]}/{row["images"]} | {row["changed"]} | '
            f'{row["precision"]:.1f} | {row["recall"]:.1f} | {row["net"]:+.1f} | '
            f'{row["pred_clean_pct"]:.1f} / {row["pred_noisy_pct"]:.1f} | '
            f'{row["reachable_pct"]:.1f} | {row.get("confident_pct", 0.0):.1f} |')


def write(rows: list, out: str, name: str, command: str, seconds: float) -> None:
    with open(osp.join(out, f'{name}.json'), 'w') as f:
        json.dump(rows, f, indent=1)
    lines = [f'Written by `{command}` in {format_duration(seconds)}. Shares in % of the '
             'wrongly labelled pixels of the 32 images (precision: of the pixels changed; '
             'px > tau: of all pixels).',
             '', HEADER, '|' + ' --- |' * 13] + [format_row(row) for row in rows]
    with open(osp.join(out, f'{name}.md'), 'w') as f:
        f.write('\n'.join(lines) + '\n')


def main():
    args = parse_args()
    if not osp.isfile(TRAIN):
        raise UserError(f'run {sys.argv[0]} from the repository root ({TRAIN} is not in '
                        f'{osp.abspath(".")})')
    bad = [e for e in args.epochs if e % CHECKPOINT_EVERY or not 0 < e <= EPOCHS]
    if bad:
        raise UserError(f'--epochs must be multiples of {CHECKPOINT_EVERY} up to {EPOCHS}, '
                        f'got {bad}')
    from mmnoisy.apis.demo import noisy_labels
    from mmnoisy.apis.pretrained import check_pretrained, checkpoint_path, expected_meta
    from mmnoisy.synthesis import ShapesSpec, generate_shapes_dataset
    from mmnoisy.utils.output_dir import check_output_dir, claim_output_dir
    # never the data, another tool's folder or a file; its own earlier output resumes
    inputs, tool = [DATA_ROOT, 'checkpoints'], 'adele_correctability'
    check_output_dir(args.work_dir, inputs, tool)
    check_pretrained(checkpoint_path('r18'), expected_meta('r18'))
    claim_output_dir(args.work_dir, inputs, tool)
    start = time.time()
    generate_shapes_dataset(DATA_ROOT, ShapesSpec(colour_cue=True))
    rows = []
    for tier in args.tiers:
        noisy_labels(DATA_ROOT, tier)
        work_dir = osp.join(args.work_dir, f'{tier}_seed{args.seed}')
        train(tier, args.seed, work_dir)
        rows += measure(tier, work_dir, args.epochs, args.temperatures, args.all_classes,
                        args.crf)
    name = 'correctability' + ('_all_classes' if args.all_classes else '') + (
        '_crf' if args.crf else '')
    write(rows, args.work_dir, name, 'python ' + ' '.join(sys.argv), time.time() - start)
    print(f'correctability: wrote {args.work_dir}/{name}.md', flush=True)


if __name__ == '__main__':
    run_cli(main)
