"""Train a segmentor: ``python tools/train.py CONFIG [--work-dir DIR] [--resume] ...``.

The command line of mmseg's ``tools/train.py``. Distributed: ``torchrun --nproc_per_node N
tools/train.py CONFIG --launcher pytorch`` (gloo on CPU, NCCL on GPU), ``tools/dist_train.sh``
or ``mim train mmnoisy CONFIG --launcher pytorch --gpus N``.
"""
import argparse
import logging

import mmnoisy  # noqa: F401  registers mmnoisy's modules
from mmnoisy.apis.cli import (add_common_args, build_runner, load_cli_config,
                              rollback_on_user_error, run_cli)


def parse_args():
    parser = argparse.ArgumentParser(description='Train a segmentor')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--resume', action='store_true',
                        help='resume from the latest checkpoint in the work_dir')
    parser.add_argument('--amp', action='store_true',
                        help='enable automatic mixed-precision training (needs a GPU)')
    add_common_args(parser)
    return parser.parse_args()


def enable_amp(cfg) -> None:
    import torch
    from mmengine.logging import print_log
    if not torch.cuda.is_available():
        raise RuntimeError('--amp needs a CUDA GPU (mmengine AmpOptimWrapper); drop --amp on '
                           'CPU')
    if cfg.optim_wrapper.type == 'AmpOptimWrapper':
        print_log('AMP training is already enabled in your config.', logger='current',
                  level=logging.WARNING)
        return
    if cfg.optim_wrapper.type != 'OptimWrapper':
        raise ValueError('--amp works with optim_wrapper.type=OptimWrapper, got '
                         f'{cfg.optim_wrapper.type}')
    cfg.optim_wrapper.type = 'AmpOptimWrapper'
    cfg.optim_wrapper.loss_scale = 'dynamic'


def main():
    args = parse_args()
    cfg = load_cli_config(args)
    if args.amp:
        enable_amp(cfg)
    cfg.resume = args.resume
    with rollback_on_user_error(cfg.work_dir):
        build_runner(cfg).train()


if __name__ == '__main__':
    run_cli(main)
