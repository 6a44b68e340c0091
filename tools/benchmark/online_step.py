"""Train step of FixMatch, UniMatch and UniMatch V2 vs the supervised step of the same model
at the same labelled batch, side by side in one run.

    python tools/benchmark/online_step.py [--iters 10] [--threads 1]

Models: the CPU configs on the colour-cue data (``configs/{fixmatch,unimatch}/...shapes-cue``:
DeepLab-v2 ResNet-18 at half width; ``configs/unimatch_v2/...``: a tiny DINOv2 + DPT), one
batch from each config's own online loader (4 labelled images, plus 8 unlabelled for
FixMatch/UniMatch: 4 trained + 4 to mix from; 4 for V2), preprocessed once. The supervised
step is the student's own ``loss`` + update on the 4 labelled images. Steps alternate (the
methods, the supervised step and a no-gradient forward of the labelled images), so every
variant shares whatever else the machine does. Reported: the median step time, its ratio to
the supervised step, the backbone passes per step (calls, and images with / without
gradient), and the step time against those passes priced per image at the supervised step
(with gradient) and at the no-gradient forward: the difference is what the method adds
besides its passes (CutMix, pseudo labels, losses, UniMatch's second decoder pass).
Needs the colour-cue data: ``python tools/generate_demo_data.py --colour-cue --out data/shapes_cue``.
"""
import argparse
from collections import Counter

import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

import mmnoisy  # noqa: F401
from mmnoisy.datasets import semi_data_spec
from mmnoisy.registry import MODELS
from dsbn_step import alternate  # median step times, the variants alternating

CONFIGS = dict(
    FixMatch='configs/fixmatch/deeplabv2_r18-d8_1xb4-2k_shapes-cue-112x112_fixmatch-1-20.py',
    UniMatch='configs/unimatch/deeplabv2_r18-d8_1xb4-2k_shapes-cue-112x112_unimatch-1-20.py',
    UniMatchV2='configs/unimatch_v2/dinov2-tiny_dpt_1xb4-2k_shapes-cue-112x112_unimatch-v2-1-20.py')
REFERENCE_PASSES = dict(  # backbone images per step of the released loops, (grad, no grad)
    FixMatch=lambda l, u: (l + u + u, u), UniMatch=lambda l, u: (l + u + 2 * u, u),
    UniMatchV2=lambda l, u: (l + 2 * u, u))


class PassCounter:
    """Counts the backbone calls of a model and the images they see, by grad mode."""

    def __init__(self, *backbones):
        self.calls, self.images = 0, Counter()
        for backbone in backbones:
            backbone.register_forward_pre_hook(self._count)

    def _count(self, module, args):
        self.calls += 1
        self.images['grad' if torch.is_grad_enabled() else 'no_grad'] += len(args[0])

    def reset(self):
        self.calls, self.images = 0, Counter()


def build(config: str):
    """(online model, its preprocessed batch, an optim wrapper of its student)."""
    cfg = Config.fromfile(config)
    init_default_scope('mmnoisy')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    loader = semi_data_spec(cfg).online_dataloader(seed=0)
    loader.update(num_workers=0, persistent_workers=False)
    batch = next(iter(Runner.build_dataloader(loader, seed=0)))
    data = model.data_preprocessor(batch, True)
    wrapper = OptimWrapper(torch.optim.SGD(model.student.parameters(), lr=1e-4))
    return model, data, wrapper


def step_fn(model, loss_fn, wrapper):
    def step():
        losses = loss_fn()
        loss, _ = model.parse_losses(losses)
        wrapper.update_params(loss)
    return step


def forward_step(model, x):
    """The student's forward without gradient on ``x``: the price of a teacher pass."""
    student = model.student

    def step():
        with torch.no_grad():
            student.decode_head.forward(student.extract_feat(x))
    return step


def run_group(names, iters):
    built = {name: build(CONFIGS[name]) for name in names}
    model, data, _ = built[names[0]]
    x, samples_x, _ = model.split_batch(data['inputs'], data['data_samples'])
    steps = dict(supervised=step_fn(model.student, lambda: model.student.loss(x, samples_x),
                                    OptimWrapper(torch.optim.SGD(
                                        model.student.parameters(), lr=1e-4))),
                 forward=forward_step(model, x))
    counters = {}
    for name, (m, d, wrapper) in built.items():
        steps[name] = step_fn(m, lambda m=m, d=d: m.loss(d['inputs'], d['data_samples']),
                              wrapper)
        backbones = [m.student.backbone] + ([m.teacher.backbone] if m.teacher else [])
        counters[name] = PassCounter(*backbones)
    times = alternate(steps, iters)  # every variant under the same load
    fwd, fwd_bwd = times['forward'] / len(x), times['supervised'] / len(x)
    rows = []
    for name, (m, d, _) in built.items():
        counter = counters[name]
        counter.reset()
        m.loss(d['inputs'], d['data_samples'])
        grad, no_grad = counter.images['grad'], counter.images['no_grad']
        priced = grad * fwd_bwd + no_grad * fwd
        _, _, batch_u = m.split_batch(d['inputs'], d['data_samples'])
        unlabeled = len(batch_u.weak) // (2 if m.mix_source == 'second_batch' else 1)
        ref_grad, ref_no_grad = REFERENCE_PASSES[name](len(x), unlabeled)
        rows.append(
            f'| {name} | {1000 * times[name]:.0f} | {times[name] / times["supervised"]:.2f}x | '
            f'{counter.calls} | {grad} + {no_grad} | {ref_grad} + {ref_no_grad} | '
            f'{1000 * priced:.0f} | {times[name] / priced - 1:+.0%} |')
    return times['supervised'], rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--iters', type=int, default=10)
    parser.add_argument('--threads', type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f'torch {torch.__version__}, {args.threads} thread(s), median of {args.iters} steps\n')
    print('| method | step (ms) | vs supervised | backbone calls | images grad + no grad | '
          'released loop | passes priced (ms) | step vs priced |')
    print('| --- | --- | --- | --- | --- | --- | --- | --- |')
    for group in (['FixMatch', 'UniMatch'], ['UniMatchV2']):
        sup, rows = run_group(group, args.iters)
        model = 'DeepLab-v2 R18/2' if group[0] == 'FixMatch' else 'tiny DINOv2 + DPT'
        print(f'| supervised, {model}, 4 images | {1000 * sup:.0f} | 1.00x | 1 | 4 + 0 | | | |')
        print('\n'.join(rows), flush=True)


if __name__ == '__main__':
    main()
