"""Pretrain the CPU benchmarks' backbones on the procedural pretraining corpus, once.

    python tools/pretrain_backbones.py --model r18     # DeepLab-v2's ResNet-18 (half width)
    python tools/pretrain_backbones.py --model vit     # the tiny DINOv2-layout ViT/14
    python tools/pretrain_backbones.py --model all
    python tools/pretrain_backbones.py --model r18 --check   # is the file there, as expected?

Generates the corpus (data/pretrain_shapes) if missing, trains the model's config of
configs/pretrain/ (supervised segmentation of the corpus' 10 classes), and writes
checkpoints/pretrained/<name>.pth: the backbone's weights and the settings that made them,
which the `*_pretrained-shapes.py` model bases load through `init_cfg`. Beside it:
<name>.json (settings, linear-probe scores, loss curve) and <name>_loss.png. The linear probe
(frozen backbone, BN + 1x1 conv head, 1/20 of the colour-cue data's labels) is scored for the
pretrained and for a random backbone. Rerunning with the same settings reuses the checkpoint;
other settings are refused unless --overwrite. An interrupted pretraining resumes. Run it from
the repository root. Recipes and measured numbers: docs/pretrained.md.
"""
import argparse
from dataclasses import replace

from mmengine.config import DictAction

from mmnoisy.apis.cli import run_cli
from mmnoisy.apis.pretrained import (CORPUS, CORPUS_ROOT, PRETRAINED_DIR, PROBE_ROOT, RECIPES,
                                     check_pretrained, checkpoint_path, expected_meta,
                                     pretrain_backbone)
from mmnoisy.utils.progress import progress


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--model', required=True, choices=[*RECIPES, 'all'],
                        help='r18: the benchmark CNN\'s ResNet-18; vit: the tiny ViT/14; all')
    parser.add_argument('--check', action='store_true',
                        help='only check that the checkpoint exists and was made by the '
                        'documented recipe (exit code 2 otherwise); what a benchmark runs first')
    parser.add_argument('--iters', type=int, help='pretraining iterations (default: the '
                        'config\'s; the schedule is scaled)')
    parser.add_argument('--seed', type=int, help='default: the config\'s (0)')
    parser.add_argument('--num-train', type=int, default=CORPUS.num_train,
                        help='corpus train images')
    parser.add_argument('--num-val', type=int, default=CORPUS.num_val, help='corpus val images')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                        help='changes to the pretraining config, key=value (part of the '
                        'settings the checkpoint is cached by)')
    parser.add_argument('--probe-iters', type=int,
                        help='linear-probe iterations (default: the probe config\'s, 500)')
    parser.add_argument('--out-dir', default=PRETRAINED_DIR, help='where checkpoints go')
    parser.add_argument('--corpus-root', default=CORPUS_ROOT, help='the corpus folder')
    parser.add_argument('--probe-root', default=PROBE_ROOT,
                        help='the probe\'s data (colour-cue shapes, generated if missing)')
    parser.add_argument('--work-dir', help='the runs\' folder (default: '
                        'work_dirs/pretrain/<name>); one sub-folder per settings')
    parser.add_argument('--workers', type=int,
                        help='dataloader workers of every run (default: the configs\')')
    parser.add_argument('--overwrite', action='store_true',
                        help='replace a checkpoint (and a corpus folder) made with other '
                        'settings')
    return parser.parse_args()


def main():
    args = parse_args()
    models = list(RECIPES) if args.model == 'all' else [args.model]
    if args.check:
        for model in models:
            path = checkpoint_path(model, args.out_dir)
            meta = check_pretrained(path, expected_meta(model))
            print(f'{model}: {path} matches the documented recipe (hash {meta["hash"]})')
        return
    corpus = replace(CORPUS, num_train=args.num_train, num_val=args.num_val)
    bar = progress(len(models), 'pretrain_backbones') if len(models) > 1 else None
    for model in models:
        pretrain_backbone(model, iters=args.iters, seed=args.seed, corpus=corpus,
                          options=args.cfg_options, out_dir=args.out_dir,
                          corpus_root=args.corpus_root, probe_root=args.probe_root,
                          probe_iters=args.probe_iters, work_dir=args.work_dir,
                          workers=args.workers, overwrite=args.overwrite)
        if bar is not None:
            bar.update()


if __name__ == '__main__':
    run_cli(main)
