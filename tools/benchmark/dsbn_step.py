"""Train step of a DSBN model vs the same model with plain BN, side by side in one run.

    python tools/benchmark/dsbn_step.py [--iters 20]

Model: the Simple Baseline demo (DeepLab-v2, ResNet-18 at half width) inside
``SimpleBaselineSegmentor``, batch 8 = 4 labelled (weak) + 4 pseudo-labelled (strong) at
112x112; the DSBN variant converts every BN (``dsbn=True``) and routes the strong half
through the aux branches, in the same single forward. Also at full width (ResNet-18 with 64
base channels) at 160x160, and one norm layer alone (forward + backward). Goal: DSBN / BN
<= 1.05x. The two variants alternate step by step (so both share whatever else the machine
is doing); reported: the median step time of each over ``--iters`` steps.
"""
import argparse
import statistics
import time

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmnoisy  # noqa: F401
from mmnoisy.registry import MODELS
from mmengine.optim import OptimWrapper
from mmnoisy.models.layers import DSBN, dsbn_domain
from semi_core import make_batch

DEMO = 'configs/simple_baseline/deeplabv2_r18-d8_1xb8-1round_shapes-112x112_simple-baseline-1-8-st-sda-dsbn-scl.py'


def build(cfg, dsbn):
    torch.manual_seed(0)
    return MODELS.build(dict(cfg.model.to_dict(), dsbn=dsbn))


def alternate(steps, iters):
    """Median seconds of each step function, run alternately ``iters`` times."""
    for step in steps.values():
        step()  # warm-up
    times = {name: [] for name in steps}
    for _ in range(iters):
        for name, step in steps.items():
            start = time.perf_counter()
            step()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def report(name, times):
    print(f"| {name} | {1000 * times['BN']:.2f} | {1000 * times['DSBN']:.2f} | "
          f"**{times['DSBN'] / times['BN']:.3f}x** |", flush=True)


def compare(name, cfg, size, iters):
    batch = make_batch(['labeled'] * 4 + ['pseudo'] * 4, size=size)
    for sample in batch['data_samples'][4:]:
        sample.set_metainfo(dict(strong=True))
    steps = {}
    for variant in ('BN', 'DSBN'):
        model = build(cfg, variant == 'DSBN').train()
        wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9))
        steps[variant] = lambda m=model, w=wrapper: m.train_step(batch, w)
    report(f'{name}, train step, batch 4+4 at {size}x{size}', alternate(steps, iters))


def compare_layer(shape, iters):
    x = torch.randn(*shape, requires_grad=True)
    strong = torch.tensor([False] * (shape[0] // 2) + [True] * (shape[0] - shape[0] // 2))
    steps = {}
    for variant, layer in (('BN', torch.nn.BatchNorm2d(shape[1])), ('DSBN', DSBN(shape[1]))):

        def step(layer=layer):
            with dsbn_domain(layer, strong):
                layer(x).sum().backward()

        steps[variant] = step
    report(f'one norm layer, forward + backward, {tuple(shape)}', alternate(steps, iters * 5))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--iters', type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(1)
    init_default_scope('mmnoisy')
    cfg = Config.fromfile(DEMO)
    print('| model | BN step (ms) | DSBN step (ms) | ratio |\n| --- | --- | --- | --- |')
    compare('DeepLab-v2 R18 half width', cfg, 112, args.iters)
    wide = Config.fromfile(DEMO)
    wide.model.segmentor.backbone.update(base_channels=64, stem_channels=64)
    wide.model.segmentor.decode_head.in_channels = 512
    compare('DeepLab-v2 R18 full width', wide, 160, max(args.iters // 2, 2))
    compare_layer((8, 64, 56, 56), args.iters)


if __name__ == '__main__':
    main()
