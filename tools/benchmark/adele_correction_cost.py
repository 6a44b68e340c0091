"""ADELE's label-correction pass vs one inference epoch over the same images, side by side.

    python tools/benchmark/adele_correction_cost.py [--images 128] [--repeats 2] [--flip] [--crf]

Builds the ADELE demo (``configs/adele/deeplabv2_r18-d8_1xb8-12e_shapes-112x112_adele-noisy-moderate.py``, random
init, the first ``--images`` noisy training labels) and times, alternating, ``--repeats``
times each:

1. the inference epoch: every training image read and predicted at the hook's scales
   (``predict_multiscale``, the same views the correction uses), nothing else;
2. the correction pass ``AdaptiveLabelCorrectionHook._correct`` with every class in the
   update set: read the labels, predict, apply the rule, write the changed labels, swap the
   label set in atomically.

``--flip`` adds the mirrored views to both, as corrections from epoch 9 do; ``--crf`` refines
the pass's predictions with the dense CRF (``crf=True``) as well, so the ratio shows what the
CRF adds to an inference epoch.

Goal: the pass costs no more than one inference epoch (ratio ~1: prediction dominates); the
pass's own split (prediction vs rule + label I/O) is printed too, as it does not depend on
the load of a shared machine. Needs
the demo data and the ``moderate`` noisy labels (see the config header).
"""
import argparse
import os.path as osp
import tempfile
import time

import mmcv
import numpy as np
import torch
from mmengine.config import Config

import mmnoisy  # noqa: F401
from mmnoisy.engine.hooks.adele import AdaptiveLabelCorrectionHook
from mmnoisy.pseudo.label_correction import predict_multiscale
from mmnoisy.pseudo import DenseCRFParams
from mmnoisy.apis.cli import build_runner

CONFIG = 'configs/adele/deeplabv2_r18-d8_1xb8-12e_shapes-112x112_adele-noisy-moderate.py'


def build(images: int, work_dir: str):
    cfg = Config.fromfile(CONFIG)
    ids = [line.strip() for line in open(osp.join(
        'data/shapes', cfg.train_dataloader.dataset.dataset.ann_file)) if line.strip()]
    split = osp.join(work_dir, 'train_subset.txt')
    with open(split, 'w') as f:
        f.write('\n'.join(ids[:images]) + '\n')
    cfg.train_dataloader.dataset.dataset.ann_file = osp.abspath(split)
    cfg.train_dataloader.num_workers = 0
    cfg.train_dataloader.persistent_workers = False
    cfg.work_dir = work_dir
    cfg.launcher = 'none'
    runner = build_runner(cfg)
    hook = next(h for h in runner.hooks if isinstance(h, AdaptiveLabelCorrectionHook))
    return runner, hook


@torch.no_grad()
def inference_epoch(runner, hook, flip: bool) -> float:
    dataset = runner.train_loop.dataloader.dataset
    model = runner.model
    model.eval()
    start = time.perf_counter()
    for idx in range(len(dataset)):
        predict_multiscale(model, mmcv.imread(dataset.get_data_info(idx)['img_path']),
                           hook.scales, flip, hook.temperature)
    return time.perf_counter() - start


def correction_pass(runner, hook, num_classes: int) -> float:
    start = time.perf_counter()
    hook._correct(runner, epoch=0, update_classes=list(range(num_classes)))
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--images', type=int, default=128)
    parser.add_argument('--repeats', type=int, default=2)
    parser.add_argument('--tau', type=float, default=0.0,
                        help='correction threshold; the default 0 makes a random-init model '
                        'rewrite labels, so that the label I/O is paid in full')
    parser.add_argument('--flip', action='store_true', help='add the mirrored views')
    parser.add_argument('--crf', action='store_true',
                        help='refine the correction pass with the dense CRF (implies --flip: '
                        'the hook starts both at the same epoch)')
    args = parser.parse_args()
    args.flip = args.flip or args.crf
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as work_dir:
        runner, hook = build(args.images, work_dir)
        hook.tau = args.tau
        hook.flip_from_epoch = 0 if args.flip else 1
        hook.crf = DenseCRFParams() if args.crf else None
        num_classes = len(runner.train_loop.dataloader.dataset.metainfo['classes'])
        inference, correction = [], []
        for _ in range(args.repeats):
            inference.append(inference_epoch(runner, hook, args.flip))
            correction.append(correction_pass(runner, hook, num_classes))
        last = hook.timings[-1]
    infer, corr = np.median(inference), np.median(correction)
    print(f'{args.images} images, scales {hook.scales}, flip {args.flip}, CRF {args.crf}, '
          f'tau {args.tau}, median of {args.repeats}:')
    print(f'  inference epoch  {infer:6.2f} s')
    print(f'  correction pass  {corr:6.2f} s  ({last["changed"]} labels rewritten)')
    print(f'  ratio            {corr / infer:6.3f}x (goal: ~1, one inference epoch)')
    # Load on a shared machine shifts the two timings apart; the pass's own split is not.
    print(f'  last pass: prediction {last["predict"]:.2f} s, rule + label I/O '
          f'{last["seconds"] - last["predict"]:.2f} s = '
          f'{last["seconds"] / last["predict"]:.3f}x its inference')


if __name__ == '__main__':
    main()
