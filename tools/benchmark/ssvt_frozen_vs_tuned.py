"""Train-step time and memory of SSVT with the DINOv2 backbone frozen vs trained.

    OMP_NUM_THREADS=1 python tools/benchmark/ssvt_frozen_vs_tuned.py --arch vit_small \
        --size 224 --batch 4 --iters 10

Builds the same segmentor (DINOv2 + linear BN head, random weights) twice, ``frozen=True``
and ``frozen=False``, and times full training steps (forward, loss, backward, SGD step)
after warm-up. Each mode runs in its own child process so that its memory is measured alone:

- ``peak``: the child's peak resident memory above what the built model and batch occupy
  before the first step (``resource.getrusage``; on a GPU, ``torch.cuda.max_memory_allocated``
  over the timed steps instead);
- ``saved activations``: bytes autograd keeps for backward in one step (saved-tensor hooks);
- ``grads + optimizer state``: gradient and momentum buffers.
"""
import argparse
import json
import multiprocessing as mp
import resource
import time

import torch

MIB = 2**20


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--arch', default='vit_small', help='DINOv2 arch (default vit_small)')
    parser.add_argument('--size', type=int, default=224, help='square crop size in px')
    parser.add_argument('--batch', type=int, default=4)
    parser.add_argument('--iters', type=int, default=10, help='timed steps')
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--json', help='also write the results here')
    return parser.parse_args()


def build(arch: str, frozen: bool):
    from mmengine.registry import init_default_scope

    import mmnoisy  # noqa: F401
    from mmnoisy.models.backbones.dinov2 import ARCH_SETTINGS
    from mmnoisy.registry import MODELS
    init_default_scope('mmnoisy')
    dim = ARCH_SETTINGS[arch]['embed_dim']
    return MODELS.build(dict(
        type='EncoderDecoder',
        data_preprocessor=dict(type='SegDataPreProcessor', mean=[0.] * 3, std=[1.] * 3),
        backbone=dict(type='DINOv2', arch=arch, frozen=frozen),
        decode_head=dict(type='BNHead', in_channels=dim, in_index=0, num_classes=21,
                         norm_cfg=dict(type='BN'),
                         loss_decode=dict(type='CrossEntropyLoss', avg_non_ignore=True))))


def rss_mib() -> float:
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * resource.getpagesize() / MIB


def measure(arch, frozen, size, batch, iters, warmup) -> dict:
    from mmseg.structures import SegDataSample
    from mmengine.structures import PixelData
    torch.manual_seed(0)
    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    model = build(arch, frozen).to(device).train()
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.SGD(params, lr=1e-3, momentum=0.9)
    images = torch.randn(batch, 3, size, size, device=device)
    samples = []
    for _ in range(batch):
        s = SegDataSample(metainfo=dict(img_shape=(size, size), pad_shape=(size, size)))
        s.gt_sem_seg = PixelData(data=torch.randint(0, 21, (1, size, size), device=device))
        samples.append(s)

    def step():
        losses = model.loss(images, samples)
        loss = sum(v for k, v in losses.items() if 'loss' in k)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    rss_base = rss_mib()  # model, data and imports, before any training step
    for _ in range(warmup):
        step()
    saved = []

    def pack(t):
        saved.append(t.numel() * t.element_size())
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        step()
    if device == 'cuda':
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    for _ in range(iters):
        step()
    if device == 'cuda':
        torch.cuda.synchronize()
    seconds = (time.perf_counter() - start) / iters
    if device == 'cuda':
        peak = torch.cuda.max_memory_allocated() / MIB
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss_base
    state = sum(p.numel() * p.element_size() for p in params) * 2  # grad + momentum
    return dict(mode='frozen' if frozen else 'tuned', device=device, step_s=seconds,
                peak_mib=peak, saved_activations_mib=sum(saved) / MIB,
                grads_and_state_mib=state / MIB,
                trainable_params=sum(p.numel() for p in params))


def _child(queue, *args):
    queue.put(measure(*args))


def run_isolated(*args) -> dict:
    ctx = mp.get_context('spawn')
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(queue, *args))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main():
    args = parse_args()
    rows = [run_isolated(args.arch, frozen, args.size, args.batch, args.iters, args.warmup)
            for frozen in (True, False)]
    frozen, tuned = rows
    ratios = dict(
        step_time=frozen['step_s'] / tuned['step_s'],
        saved_activations=frozen['saved_activations_mib'] / tuned['saved_activations_mib'],
        peak_memory=frozen['peak_mib'] / max(tuned['peak_mib'], 1e-9))
    print(f'DINOv2 {args.arch}, {args.size}x{args.size}, batch {args.batch}, '
          f'{args.iters} steps after {args.warmup} warm-up, device {frozen["device"]}, '
          f'torch threads {torch.get_num_threads()}')
    print(f'{"mode":8}{"step (s)":>10}{"peak (MiB)":>12}{"saved act. (MiB)":>18}'
          f'{"grads+state (MiB)":>19}{"trainable":>12}')
    for r in rows:
        print(f'{r["mode"]:8}{r["step_s"]:10.3f}{r["peak_mib"]:12.1f}'
              f'{r["saved_activations_mib"]:18.1f}{r["grads_and_state_mib"]:19.1f}'
              f'{r["trainable_params"]:12,d}')
    print('frozen / tuned: ' + ', '.join(f'{k} {v:.3f}x' for k, v in ratios.items()))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(dict(args=vars(args), rows=rows, ratios=ratios), f, indent=1)


if __name__ == '__main__':
    main()
