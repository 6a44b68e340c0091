"""Pseudo-label the unlabelled images of a config with a checkpoint.

    python tools/pseudo_label.py CONFIG CHECKPOINT [--ratio 0.2] [--out DIR] [--rule ratio]

Uses the config's ``train_cfg.pseudo_labeler`` and ``train_cfg.unlabeled_dataloader`` (the
same as its self-training rounds). Writes ``<out>/<id>.png`` (255 = ignore), ``report.json``,
``report.md`` and ``overlays/`` under the work dir by default. The output folder must be
new or hold earlier pseudo labels (a ``report.json``): user data is never overwritten.
Distributed: ``torchrun --nproc_per_node N tools/pseudo_label.py ... --launcher pytorch``.
"""
import argparse
import os
import os.path as osp

import mmnoisy  # noqa: F401  registers mmnoisy's modules
from mmnoisy.registry import TASK_UTILS
from mmnoisy.utils.cli import add_common_args, build_runner, load_cli_config, run_cli


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='config with train_cfg.pseudo_labeler and '
                        'train_cfg.unlabeled_dataloader')
    parser.add_argument('checkpoint', help='the teacher checkpoint')
    parser.add_argument('--ratio', type=float, default=None,
                        help='class-balanced share of pixels to keep, in (0, 1]; '
                        'default: label every pixel')
    parser.add_argument('--rule', choices=['ratio', 'max', 'argmax'],
                        help="override the config's labelling rule")
    parser.add_argument('--out', help='output folder (default: <work_dir>/pseudo_labels)')
    add_common_args(parser)
    return parser.parse_args()


def check_output_dir(out: str) -> None:
    if osp.isdir(out) and os.listdir(out) and not osp.isfile(osp.join(out, 'report.json')):
        raise FileExistsError(
            f'{out} is not empty and holds no earlier pseudo labels (report.json); pseudo '
            'labels never overwrite other files: choose a new --out')


def main():
    args = parse_args()
    cfg = load_cli_config(args)
    loop_cfg = cfg.train_cfg
    for key in ('pseudo_labeler', 'unlabeled_dataloader'):
        if key not in loop_cfg:
            raise KeyError(f'{args.config} has no train_cfg.{key}: pseudo-labelling needs '
                           'a semi-supervised config (e.g. configs/dst_cbc/*)')
    out = args.out or osp.join(cfg.work_dir, 'pseudo_labels')
    check_output_dir(out)
    labeler_cfg = dict(loop_cfg.pseudo_labeler)
    if args.rule:
        labeler_cfg['rule'] = args.rule
    cfg.load_from = args.checkpoint
    runner = build_runner(cfg)
    runner.load_or_resume()
    dataloader = runner.build_dataloader(loop_cfg.unlabeled_dataloader, seed=runner.seed)
    model = getattr(runner.model, 'module', runner.model)
    summary = TASK_UTILS.build(labeler_cfg).run(model, dataloader, out, ratio=args.ratio)
    runner.logger.info(f'pseudo labels of {summary["num_images"]} images in {out}; '
                       f'{100 * summary["coverage"]:.1f}% of pixels labelled' +
                       (f', mIoU vs ground truth {100 * summary["miou"]:.2f}'
                        if summary.get('miou') is not None else ''))


if __name__ == '__main__':
    run_cli(main)
