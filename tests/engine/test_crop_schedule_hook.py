"""Crop sizes of the fast schedule per epoch for each mode, applied to a live dataloader,
with larger batches at small crops, and after resuming from a checkpoint."""
import logging
from types import SimpleNamespace

import pytest
from torch.utils.data import DataLoader

from conftest import (REPO, TINY_CONFIG, RecordingVisualizer, local_scalars,
                      tensorboard_events, tensorboard_scalars, tiny_options,
                      train_with_visualizer)
from mmnoisy.datasets.transforms import CentroidCrop
from mmnoisy.engine.hooks import CropScheduleHook, crop_schedule

SIZES = [64, 80, 96, 112]
EXPECTED = {  # warm-up 2 epochs at 112, then (non-+ modes) 2 epochs per size
    'coarse2fine': [112, 112, 64, 64, 80, 80, 96, 96, 112, 112, 112],
    'fine2coarse': [112, 112, 112, 112, 96, 96, 80, 80, 64, 64, 64],
    'coarse2fine+': [112, 112, 64, 80, 96, 112, 64, 80, 96, 112, 64],
    'fine2coarse+': [112, 112, 112, 96, 80, 64, 112, 96, 80, 64, 112],
}


@pytest.mark.parametrize('mode', sorted(EXPECTED))
def test_schedule_per_epoch(mode):
    sizes = [crop_schedule(mode, e, SIZES, warmup_epochs=2, epochs_per_size=2)[0]
             for e in range(11)]
    assert sizes == EXPECTED[mode]


def test_rectangular_sizes_and_bad_mode():
    assert crop_schedule('coarse2fine+', 0, [(40, 80), (20, 40)]) == (20, 40)
    with pytest.raises(ValueError, match='mode'):
        CropScheduleHook(mode='coarse', crop_sizes=SIZES)


class Source:
    def __init__(self):
        self.pipeline = SimpleNamespace(transforms=[CentroidCrop(crop_size=112)])

    def __len__(self):
        return 100

    def __getitem__(self, i):
        return i


def make_runner(batch_size=2):
    dataset = SimpleNamespace(datasets=[Source(), Source()])
    loader = DataLoader(Source(), batch_size=batch_size)
    loader.dataset.datasets = dataset.datasets  # a ConcatDataset-like pipeline tree
    model = SimpleNamespace(data_preprocessor=SimpleNamespace(size=(112, 112)))
    loop = SimpleNamespace(current_dataloader=loader, dataloader=None)
    return SimpleNamespace(train_loop=loop, model=model, epoch=0, iter=0,
                           logger=logging.getLogger('test'), visualizer=RecordingVisualizer())


def crops_of(runner):
    loader = runner.train_loop.current_dataloader
    sizes = {c.crop_size for c in
             [loader.dataset.pipeline.transforms[0]] +
             [d.pipeline.transforms[0] for d in loader.dataset.datasets]}
    assert len(sizes) == 1, 'every CentroidCrop of the pipeline tree gets the size'
    size = sizes.pop()
    preprocessor = runner.model.data_preprocessor
    assert preprocessor.size is None and preprocessor.size_divisor == 1  # batch-max padding
    return size[0], loader.batch_sampler.batch_size


def run_iters(hook, runner, start, stop):
    seen = []
    for i in range(start, stop):
        runner.iter = i
        hook.before_train_iter(runner, i)
        seen.append(crops_of(runner))
        hook.after_train_iter(runner, i)
    return seen


def test_iteration_based_hook_changes_the_live_pipeline():
    hook = CropScheduleHook('coarse2fine+', SIZES, warmup_epochs=2, epoch_iters=3)
    seen = run_iters(hook, make_runner(), 0, 33)
    assert [s for s, _ in seen[::3]] == EXPECTED['coarse2fine+']
    assert all(seen[i] == seen[i - i % 3] for i in range(33))  # constant within an epoch
    assert {b for _, b in seen} == {2}


def test_larger_batch_at_smaller_crops():
    hook = CropScheduleHook('coarse2fine+', [56, 112], warmup_epochs=1, epoch_iters=4,
                            scale_batch=True)
    # 112 px: 4 iterations of batch 2; 56 px: batch 8 (4x fewer pixels), so 1 iteration
    assert run_iters(hook, make_runner(), 0, 10) == (
        [(112, 2)] * 4 + [(56, 8)] + [(112, 2)] * 4 + [(56, 8)])


def test_resume_continues_the_schedule():
    full = run_iters(CropScheduleHook('fine2coarse+', SIZES, 2, epoch_iters=3),
                     make_runner(), 0, 20)
    hook = CropScheduleHook('fine2coarse+', SIZES, 2, epoch_iters=3)
    first = run_iters(hook, make_runner(), 0, 11)
    checkpoint = {}
    hook.before_save_checkpoint(None, checkpoint)
    assert checkpoint['crop_schedule']['progress'] == 11
    fine_tuned = CropScheduleHook('fine2coarse+', SIZES, 2, epoch_iters=3)
    fine_tuned.after_load_checkpoint(SimpleNamespace(_resume=False), checkpoint)  # load_from
    assert fine_tuned.progress == 0
    resumed = CropScheduleHook('fine2coarse+', SIZES, 2, epoch_iters=3)
    resumed.after_load_checkpoint(SimpleNamespace(_resume=True), checkpoint)
    # a fresh loader, built at the full crop, as after --resume
    assert first + run_iters(resumed, make_runner(), 11, 20) == full


def test_a_new_stage_loader_gets_the_crop_before_its_first_batch():
    # SelfTrainingLoop opens each stage with before_train_epoch, then draws the first batch:
    # the round's fresh loader (built at the config's full crop) must be resized by then.
    hook = CropScheduleHook('coarse2fine+', SIZES, warmup_epochs=1, epoch_iters=3)
    runner = make_runner()
    run_iters(hook, runner, 0, 4)  # epoch 1: the smallest crop
    fresh = make_runner().train_loop.current_dataloader
    runner.train_loop.current_dataloader = fresh
    assert fresh.dataset.pipeline.transforms[0].crop_size == (112, 112)
    hook.before_train_epoch(runner)
    assert crops_of(runner)[0] == SIZES[0]


def test_epoch_based_hook_follows_runner_epochs():
    hook = CropScheduleHook('coarse2fine', SIZES, warmup_epochs=2, epochs_per_size=2)
    runner, sizes = make_runner(), []
    for epoch in range(11):
        runner.epoch = epoch
        hook.before_train_epoch(runner)
        sizes.append(crops_of(runner)[0])
        hook.after_train_iter(runner, 0)  # no effect without epoch_iters
    assert sizes == EXPECTED['coarse2fine']


def test_needs_a_centroid_crop():
    runner = make_runner()
    runner.train_loop.current_dataloader = DataLoader(list(range(4)))
    with pytest.raises(RuntimeError, match='CentroidCrop'):
        CropScheduleHook('coarse2fine', SIZES).before_train_epoch(runner)


def test_batches_cropped_before_a_change_still_stack():
    """After a change, a real mmseg preprocessor stacks a batch mixing old and new crops."""
    import torch
    from mmseg.models import SegDataPreProcessor
    from mmseg.structures import SegDataSample
    from mmengine.structures import PixelData

    runner = make_runner()
    runner.model = SimpleNamespace(data_preprocessor=SegDataPreProcessor(size=(112, 112)))
    hook = CropScheduleHook(crop_sizes=SIZES, mode='coarse2fine+', epoch_iters=2)
    hook.before_train_iter(runner, 0)
    inputs, samples = [], []
    for side in (112, 64):  # prefetched at the old size, then cropped at the new one
        inputs.append(torch.zeros(3, side, side, dtype=torch.uint8))
        samples.append(SegDataSample(gt_sem_seg=PixelData(
            data=torch.zeros(1, side, side, dtype=torch.long))))
    out = runner.model.data_preprocessor(dict(inputs=inputs, data_samples=samples), True)
    assert out['inputs'].shape == (2, 3, 112, 112)
    assert out['data_samples'][1].gt_sem_seg.data[0, 100, 100] == 255  # padded, ignored


@pytest.mark.parametrize('mode', ['coarse2fine', 'coarse2fine+', 'fine2coarse', 'fine2coarse+'])
def test_stated_round_length_is_the_hooks_schedule(mode):
    """The Cityscapes fast-schedule configs state their round length; it must be exactly
    the hook's 180 epochs (batch scaled at smaller crops), whatever the mode."""
    from mmengine import Config

    from conftest import REPO
    from mmnoisy.registry import HOOKS
    name = ('deeplabv3plus_r101-d8_2xb8-180e_cityscapes-800x800_self-training-student-7-1-cs-'
            f'{mode}.py')
    cfg = Config.fromfile(f'{REPO}/configs/self_training/{name}')
    (hook_cfg, ) = cfg.custom_hooks
    hook = HOOKS.build(hook_cfg.to_dict())
    assert hook.mode == mode and hook.scale_batch
    assert cfg.train_cfg.round_iters == hook.schedule_iters(cfg.epochs)


def test_crop_and_batch_size_reach_the_visualizer():
    """Sent when first applied and at each change, at steps = iterations done."""
    hook = CropScheduleHook('coarse2fine+', [56, 112], warmup_epochs=1, epoch_iters=4,
                            scale_batch=True)
    runner = make_runner()
    run_iters(hook, runner, 0, 10)
    # 112 px for 4 iterations, then 56 px (batch 8) for 1, 112 px for 4, 56 px for 1, and
    # 112 px for what the loader prepares after the last
    assert runner.visualizer.series('crop_schedule/crop_height') == [
        (0, 112), (4, 56), (5, 112), (9, 56), (10, 112)]
    assert runner.visualizer.series('crop_schedule/batch_size') == [
        (0, 2), (4, 8), (5, 2), (9, 8), (10, 2)]


def test_crop_size_in_scalars_json_and_tensorboard(shapes_root, tmp_path):
    """The tiny config (6 iterations) with a CentroidCrop under coarse2fine+ over 48/64 px,
    2-iteration epochs, the first at the full crop: 64 from the start, 48 after iteration 2,
    64 after 4, and 48 for what the loader would prepare after the last one."""
    from mmengine import Config
    cfg = Config.fromfile(f'{REPO}/{TINY_CONFIG}')
    pipeline = [dict(t, type='CentroidCrop') if t['type'] == 'RandomCrop' else t
                for t in cfg.train_dataloader.dataset.pipeline]
    options = dict(opt.split('=', 1) for opt in tiny_options(shapes_root)[1:])
    options.update({'train_dataloader.dataset.pipeline': pipeline,
                    'default_hooks.checkpoint.interval': 100})
    hook = CropScheduleHook('coarse2fine+', [48, 64], warmup_epochs=1, epoch_iters=2)
    vis_data = train_with_visualizer(TINY_CONFIG, tmp_path, options, [(hook, 'NORMAL')])
    expected = [(0, 64), (2, 48), (4, 64), (6, 48)]
    scalars = local_scalars(vis_data)
    assert scalars['crop_schedule/crop_height'] == expected
    assert scalars['crop_schedule/crop_width'] == expected
    assert scalars['crop_schedule/batch_size'] == [(step, 2) for step, _ in expected]
    events = tensorboard_events(vis_data)
    assert tensorboard_scalars(events, 'crop_schedule/crop_height') == expected
