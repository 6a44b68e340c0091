"""Train step of a DSBN model vs the same model with plain BN, side by side in one run.

    python tools/benchmark/dsbn_step.py [--iters 10] [--rounds 3]

Model: the Simple Baseline demo (DeepLab-v2, ResNet-18 at half width) inside
``SimpleBaselineSegmentor``, batch 8 = 4 labelled (weak) + 4 pseudo-labelled (strong) at
112x112; the DSBN variant converts every BN (``dsbn=True``) and routes the strong half
through the aux branches, in the same single forward. Also at full width (ResNet-18 with 64
base channels) at 160x160. Goal: DSBN / BN <= 1.05x. Best of ``--rounds`` interleaved
rounds of ``--iters`` steps.
"""
import argparse

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmnoisy  # noqa: F401
from mmnoisy.registry import MODELS
from semi_core import make_batch, time_steps

DEMO = 'configs/simple_baseline/deeplabv2_r18-d8_shapes_1-8_st-sda-dsbn-scl.py'


def build(cfg, dsbn):
    torch.manual_seed(0)
    return MODELS.build(dict(cfg.model.to_dict(), dsbn=dsbn))


def compare(name, cfg, size, iters, rounds):
    batch = make_batch(['labeled'] * 4 + ['pseudo'] * 4, size=size)
    for sample in batch['data_samples'][4:]:
        sample.set_metainfo(dict(strong=True))
    bn, dsbn = build(cfg, False), build(cfg, True)
    times = {'BN': [], 'DSBN': []}
    for _ in range(rounds):  # interleaved: both share whatever else the machine is doing
        times['BN'].append(time_steps(bn, batch, iters))
        times['DSBN'].append(time_steps(dsbn, batch, iters))
    t_bn, t_dsbn = min(times['BN']), min(times['DSBN'])
    print(f'| {name}, batch 4+4 at {size}x{size} | {1000 * t_bn:.1f} | {1000 * t_dsbn:.1f} | '
          f'**{t_dsbn / t_bn:.3f}x** |', flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--iters', type=int, default=10)
    parser.add_argument('--rounds', type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    init_default_scope('mmnoisy')
    cfg = Config.fromfile(DEMO)
    print('| model | BN step (ms) | DSBN step (ms) | ratio |\n| --- | --- | --- | --- |')
    compare('DeepLab-v2 R18 half width', cfg, 112, args.iters, args.rounds)
    wide = Config.fromfile(DEMO)
    wide.model.segmentor.backbone.update(base_channels=64, stem_channels=64)
    wide.model.segmentor.decode_head.in_channels = 512
    compare('DeepLab-v2 R18 full width', wide, 160, max(args.iters // 2, 2), args.rounds)


if __name__ == '__main__':
    main()
