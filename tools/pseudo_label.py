"""Pseudo-label the unlabelled images of a config with a checkpoint.

    python tools/pseudo_label.py CONFIG CHECKPOINT [--ratio 0.2 | --threshold 0.95] [--out DIR]
        [--rule ratio]

Uses the config's ``train_cfg.pseudo_labeler`` and the unlabelled images of its ``semi_data``
(the same as its self-training rounds). Writes ``<out>/<id>.png`` (255 = ignore), ``report.json``,
``report.md`` and ``overlays/`` under the work dir by default. The output folder must be
new, empty or hold earlier pseudo labels (its ``.mmnoisy-output`` marker file says so), and
never be the unlabelled dataset's image or label folder, inside or around them: user data is
never overwritten. Labels are written to ``<out>.partial``, renamed to ``<out>`` when complete.
Distributed: ``torchrun --nproc_per_node N tools/pseudo_label.py ... --launcher pytorch``.
"""
import argparse
import os.path as osp

import mmnoisy  # noqa: F401  registers mmnoisy's modules
from mmnoisy.apis.cli import (add_common_args, build_runner, load_cli_config,
                              rollback_on_user_error, run_cli)
from mmnoisy.datasets import semi_data_spec
from mmnoisy.pseudo.labeler import check_ratio, check_threshold
from mmnoisy.registry import TASK_UTILS
from mmnoisy.utils.errors import ConfigError


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='config with train_cfg.pseudo_labeler and '
                        'semi_data (its unlabelled images are labelled)')
    parser.add_argument('checkpoint', help='the teacher checkpoint')
    parser.add_argument('--ratio', type=float, default=None,
                        help='class-balanced share of pixels to keep, in (0, 1]; '
                        'default: label every pixel')
    parser.add_argument('--threshold', type=float, default=None,
                        help='one confidence threshold for every class instead of a '
                        'ratio (FixMatch / UniMatch: 0.95): what their unlabelled loss '
                        'would learn from this model')
    parser.add_argument('--rule', choices=['ratio', 'max', 'argmax'],
                        help="override the config's labelling rule")
    parser.add_argument('--out', help='output folder (default: <work_dir>/pseudo_labels)')
    add_common_args(parser)
    return parser.parse_args()


def check_output_dir(out: str, dataset_cfg: dict) -> None:
    """Refuse an output folder among the unlabelled images and labels, or one that holds
    other files than earlier pseudo labels, before the model is built."""
    from mmnoisy.pseudo.labeler import TOOL
    from mmnoisy.utils.output_dir import check_output_dir as check
    from mmnoisy.utils.output_dir import dataset_input_dirs
    check(out, dataset_input_dirs(dataset_cfg), TOOL, staged=True)


def main():
    args = parse_args()
    check_ratio(args.ratio, '--ratio')  # before the model is built
    cfg = load_cli_config(args)
    loop_cfg = cfg.train_cfg
    if 'pseudo_labeler' in loop_cfg:
        labeler_cfg = dict(loop_cfg.pseudo_labeler)
    elif args.threshold is not None and 'semi_data' in cfg:
        # an online method's config (FixMatch, UniMatch): its rule on the plain view
        labeler_cfg = dict(type='PseudoLabeler', rule='max')
    else:
        raise ConfigError(f'{args.config} has no train_cfg.pseudo_labeler: pseudo-labelling '
                          'needs a self-training config (e.g. configs/dst_cbc/*), or an '
                          'online one (configs/unimatch/*) with --threshold')
    unlabeled = semi_data_spec(cfg).unlabeled_dataloader()
    out = args.out or osp.join(cfg.work_dir, 'pseudo_labels')
    check_output_dir(out, unlabeled['dataset'])
    if args.rule:
        labeler_cfg['rule'] = args.rule
    check_threshold(args.threshold, args.ratio, labeler_cfg.get('rule', 'ratio'))
    cfg.load_from = args.checkpoint
    cfg.resume = False  # label with CHECKPOINT itself, never the work dir's newest one
    with rollback_on_user_error(cfg.work_dir):
        runner = build_runner(cfg)
        runner.load_or_resume()
        dataloader = runner.build_dataloader(unlabeled, seed=runner.seed)
    model = getattr(runner.model, 'module', runner.model)
    summary = TASK_UTILS.build(labeler_cfg).run(model, dataloader, out, ratio=args.ratio,
                                                threshold=args.threshold)
    runner.logger.info(f'pseudo labels of {summary["num_images"]} images in {out}; '
                       f'{100 * summary["coverage"]:.1f}% of pixels labelled' +
                       (f', mIoU vs ground truth {100 * summary["miou"]:.2f}'
                        if summary.get('miou') is not None else ''))


if __name__ == '__main__':
    run_cli(main)
