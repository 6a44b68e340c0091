"""Test (and evaluate) a checkpoint: ``python tools/test.py CONFIG CHECKPOINT [...]``.

The command line of mmseg's ``tools/test.py``.
"""
import argparse

import mmnoisy  # noqa: F401  registers mmnoisy's modules
from mmnoisy.apis.cli import (add_common_args, build_runner, load_cli_config,
                              rollback_on_user_error, run_cli)
from mmnoisy.datasets import complete_dataloaders
from mmnoisy.utils.output_dir import (check_output_dir, claim_output_dir,
                                      dataset_input_dirs)

OUT_TOOL = 'test'  # the name its --out folders are marked with


def parse_args():
    parser = argparse.ArgumentParser(description='Test (and evaluate) a segmentor')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--out', help='directory to save the predictions (PNG)')
    parser.add_argument('--show', action='store_true', help='show prediction results')
    parser.add_argument('--show-dir', help='directory to save painted predictions')
    parser.add_argument('--wait-time', type=float, default=2, help='interval of --show (s)')
    parser.add_argument('--tta', action='store_true', help='test-time augmentation')
    add_common_args(parser)
    return parser.parse_args()


def enable_visualization(cfg, args) -> None:
    hook = cfg.default_hooks.get('visualization')
    if hook is None:
        raise RuntimeError('--show/--show-dir need a SegVisualizationHook in default_hooks')
    hook['draw'] = True
    if args.show:
        hook['show'] = True
        hook['wait_time'] = args.wait_time
    if args.show_dir:
        cfg.visualizer['save_dir'] = args.show_dir


def main():
    args = parse_args()
    cfg = load_cli_config(args)
    cfg.load_from = args.checkpoint
    cfg.resume = False  # score CHECKPOINT itself, never the work dir's newest checkpoint
    if args.show or args.show_dir:
        enable_visualization(cfg, args)
    if args.tta:
        cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
        cfg.tta_model.module = cfg.model
        cfg.model = cfg.tta_model
    if args.out is not None:
        # Predictions never land among the images or labels, nor in a folder of other files.
        complete_dataloaders(cfg)  # a semi config's test data comes from its semi_data
        inputs = dataset_input_dirs(cfg.test_dataloader.dataset.to_dict())
        check_output_dir(args.out, inputs, OUT_TOOL)
        cfg.test_evaluator['output_dir'] = args.out
        cfg.test_evaluator['keep_results'] = True
    with rollback_on_user_error(cfg.work_dir):
        runner = build_runner(cfg)
        if args.out is not None:
            claim_output_dir(args.out, inputs, OUT_TOOL)
        runner.test()


if __name__ == '__main__':
    run_cli(main)
