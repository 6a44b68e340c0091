"""Semi-supervised core, measured side by side in one run.

    python tools/benchmark/semi_core.py [--iters 20] [--images 200]

1. Train step of ``SemiSupervisedSegmentor`` (4 labelled + 4 pseudo-labelled, DST-CBC loss)
   vs the supervised step of the same model at the same total batch (8). Goal <= 1.15x.
2. Class-balanced thresholds over a large synthetic set (``--images`` label maps of
   375x500, 21 classes): streamed histograms vs collecting and sorting every pixel, in
   separate processes (peak memory is each process's max RSS). Goal: >= 10x faster, bounded
   memory.
"""
import argparse
import multiprocessing as mp
import resource
import time

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

import mmnoisy  # noqa: F401
from mmnoisy.pseudo import ClassConfidenceStats
from mmnoisy.registry import MODELS

DEMO = 'configs/dst_cbc/deeplabv2_r18-d8_1xb8-5rounds_shapes-112x112_dst-cbc-1-20.py'


def make_batch(sources, size=112, classes=9):
    g = torch.Generator().manual_seed(0)
    samples = []
    for source in sources:
        s = SegDataSample(metainfo=dict(source=source, img_shape=(size, size),
                                        ori_shape=(size, size), pad_shape=(size, size)))
        s.gt_sem_seg = PixelData(data=torch.randint(0, classes, (1, size, size), generator=g))
        samples.append(s)
    return dict(inputs=[torch.randint(0, 255, (3, size, size), dtype=torch.uint8)
                        for _ in sources], data_samples=samples)


def time_steps(model, batch, iters):
    from mmengine.optim import OptimWrapper
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9))
    model.train()
    for _ in range(3):
        model.train_step(batch, wrapper)
    start = time.perf_counter()
    for _ in range(iters):
        model.train_step(batch, wrapper)
    return (time.perf_counter() - start) / iters


def bench_train_step(iters):
    init_default_scope('mmnoisy')
    cfg = Config.fromfile(DEMO)
    torch.manual_seed(0)
    semi = MODELS.build(cfg.model)
    sup_cfg = cfg.model.segmentor.copy()
    sup_cfg.data_preprocessor = cfg.model.data_preprocessor
    torch.manual_seed(0)
    sup = MODELS.build(sup_cfg)
    sup_batch = make_batch(['labeled'] * 8)
    semi_batch = make_batch(['labeled'] * 4 + ['pseudo'] * 4)
    # interleave to share whatever else the machine is doing
    sup_t, semi_t = [], []
    for _ in range(3):
        sup_t.append(time_steps(sup, sup_batch, iters))
        semi_t.append(time_steps(semi, semi_batch, iters))
    sup_t, semi_t = min(sup_t), min(semi_t)
    print(f'train step, batch 8 at 112x112: supervised {1000 * sup_t:.1f} ms, '
          f'semi-supervised (4+4) {1000 * semi_t:.1f} ms -> ratio {semi_t / sup_t:.3f}x')


def synthetic_image(i, classes=21, shape=(375, 500)):
    g = torch.Generator().manual_seed(i)
    return torch.rand(shape, generator=g), torch.randint(0, classes, shape, generator=g)


def thresholds_streaming(images, queue):
    start = time.perf_counter()
    stats = ClassConfidenceStats(21, mode='histogram', num_bins=1000)
    for i in range(images):
        stats.update(*synthetic_image(i))
    t = stats.thresholds(0.2)
    queue.put((time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               t.tolist()))


def thresholds_sort_all(images, queue):
    start = time.perf_counter()
    probs, preds = [], []
    for i in range(images):
        p, c = synthetic_image(i)
        probs.append(p.flatten())
        preds.append(c.flatten())
    probs, preds = torch.cat(probs), torch.cat(preds)
    t = torch.full((21, ), float('nan'))
    for c in range(21):
        values = probs[preds == c].sort().values
        t[c] = values[-int(len(values) * 0.2) - 1]
    queue.put((time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               t.tolist()))


def generation_only(images, queue):
    start = time.perf_counter()
    for i in range(images):
        synthetic_image(i)
    queue.put((time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               None))


def in_process(fn, images):
    ctx = mp.get_context('spawn')
    queue = ctx.Queue()
    proc = ctx.Process(target=fn, args=(images, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def bench_thresholds(images):
    gen_t, gen_rss, _ = in_process(generation_only, images)
    stream_t, stream_rss, t_stream = in_process(thresholds_streaming, images)
    sort_t, sort_rss, t_sort = in_process(thresholds_sort_all, images)
    pixels = images * 375 * 500
    print(f'thresholds over {images} images ({pixels / 1e6:.1f} M pixels, 21 classes); '
          f'times exclude {gen_t:.2f} s of data generation:')
    stream_net, sort_net = stream_t - gen_t, sort_t - gen_t
    print(f'  streamed histograms: {stream_net:.2f} s, peak RSS {stream_rss / 1024:.0f} MiB')
    print(f'  sort all pixels:     {sort_net:.2f} s, peak RSS {sort_rss / 1024:.0f} MiB')
    print(f'  -> {sort_net / stream_net:.1f}x faster, '
          f'{(sort_rss - gen_rss) / max(stream_rss - gen_rss, 1):.0f}x less memory above the '
          f'baseline process ({gen_rss / 1024:.0f} MiB); max threshold difference '
          f'{(torch.tensor(t_stream) - torch.tensor(t_sort)).abs().max():.4f} (bin width 0.001)')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--iters', type=int, default=20)
    parser.add_argument('--images', type=int, default=200)
    args = parser.parse_args()
    bench_train_step(args.iters)
    bench_thresholds(args.images)


if __name__ == '__main__':
    main()
