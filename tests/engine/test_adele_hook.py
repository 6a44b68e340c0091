"""AdaptiveLabelCorrectionHook end to end through the real runner on tiny data."""
import json
import logging
import os
import os.path as osp

from glob import glob
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmengine.hooks import Hook
from mmengine.logging import MMLogger
from mmengine.registry import init_default_scope
from PIL import Image

from conftest import (RecordingVisualizer, local_scalars, run_tool, tensorboard_events,
                      tensorboard_scalars, train_with_visualizer)
from mmnoisy.evaluation import TrainIoUAccumulator

CONFIG = 'tests/data/configs/tiny_adele_shapes.py'
NOISY = 'SegmentationClassNoisy_moderate'


@pytest.fixture(scope='module')
def noisy_root(shapes_root):
    from mmnoisy.synthesis.noise import get_tier, synthesize_noisy_labels
    if not osp.isdir(osp.join(shapes_root, NOISY)):
        synthesize_noisy_labels(osp.join(shapes_root, 'SegmentationClass'),
                                osp.join(shapes_root, NOISY), get_tier('moderate'), 9,
                                split=osp.join(shapes_root, 'ImageSets/Segmentation/train.txt'))
    return shapes_root


def options(root, *extra):
    return ['--cfg-options', f'train_dataloader.dataset.dataset.data_root={root}',
            f'val_dataloader.dataset.data_root={root}',
            f'test_dataloader.dataset.data_root={root}', *extra]


def read_curves(work_dir):
    with open(osp.join(work_dir, 'adele_curves.json')) as f:
        return json.load(f)


@pytest.mark.slow
def test_correction_and_resume(noisy_root, tmp_path):
    work_dir = str(tmp_path / 'adele')
    run_tool('tools/train.py', CONFIG, '--work-dir', work_dir, *options(noisy_root))
    state = read_curves(work_dir)
    iters_per_epoch = 5  # 40 images, batch 8
    assert len(state['curves']['noisy']) == 2 * iters_per_epoch
    assert len(state['curves']['el']) == 2 * iters_per_epoch  # clean labels were given
    assert state['triggered'] and set(state['triggered'].values()) == {1}
    assert state['label_set'] == 'adele_labels/epoch_1'
    label_dir = osp.join(work_dir, state['label_set'])
    assert sorted(os.listdir(label_dir)) == sorted(state['corrected'])
    assert not osp.exists(label_dir + '.tmp')
    # (The untrained tiny model predicts background only, which the safety rule refuses:
    # test_correction_pass_writes_and_dataset_reads checks labels that do change.)
    pngs = os.listdir(osp.join(work_dir, 'adele_curves'))
    assert len(pngs) == 8 and all(p.endswith('.png') for p in pngs)

    # Resume for a third epoch: curves continue, triggers and label set come back.
    run_tool('tools/train.py', CONFIG, '--work-dir', work_dir, '--resume',
             *options(noisy_root, 'train_cfg.max_epochs=3'))
    resumed = read_curves(work_dir)
    assert len(resumed['curves']['noisy']) == 3 * iters_per_epoch
    assert resumed['curves']['noisy'][:2 * iters_per_epoch] == state['curves']['noisy']
    assert resumed['triggered'] == state['triggered']
    assert resumed['label_set'] == 'adele_labels/epoch_2'
    assert [t['epoch'] for t in resumed['timings']] == [1, 2]

    # Fine-tuning from that checkpoint (load_from, not --resume) is a new run: fresh curves,
    # no triggers inherited from the old fits, the original labels.
    tuned_dir = str(tmp_path / 'fine_tuned')
    run_tool('tools/train.py', CONFIG, '--work-dir', tuned_dir,
             *options(noisy_root, f'load_from={work_dir}/epoch_3.pth', 'train_cfg.max_epochs=1'))
    tuned = read_curves(tuned_dir)
    assert len(tuned['curves']['noisy']) == iters_per_epoch
    assert tuned['triggered'] == {} and tuned['label_set'] is None


def test_hook_refuses_plain_segmentor():
    from mmnoisy.engine.hooks import AdaptiveLabelCorrectionHook
    with pytest.raises(TypeError, match='ADELESegmentor'):
        AdaptiveLabelCorrectionHook._model(SimpleNamespace(model=torch.nn.Linear(1, 1)))


class ConstantModel(torch.nn.Module):
    """Predicts ``cls`` everywhere with logit ``logit`` (high confidence by default; stands
    in for a trained model)."""

    def __init__(self, cls, num_classes=9, logit=30.0):
        super().__init__()
        self.cls, self.num_classes, self.logit = cls, num_classes, logit
        self.train_iou = TrainIoUAccumulator(num_classes)
        self.data_preprocessor = lambda data, training: dict(
            inputs=torch.stack(data['inputs']).float())
        self.decode_head = SimpleNamespace(align_corners=False, forward=self._logits)

    def extract_feat(self, x):
        return x

    def _logits(self, x):
        z = torch.zeros(x.shape[0], self.num_classes, x.shape[2] // 4, x.shape[3] // 4)
        z[:, self.cls] = self.logit
        return z


PIPELINE = [dict(type='LoadImageFromFile'), dict(type='LoadAnnotations'),
            dict(type='LoadExtraLabels'), dict(type='PackSegInputsWithExtraLabels')]


def noisy_train_set(root, pipeline=PIPELINE):
    from mmnoisy.datasets import CorrectableLabelDataset
    init_default_scope('mmnoisy')
    return CorrectableLabelDataset(dict(
        type='ProceduralShapesDataset', data_root=root,
        data_prefix=dict(img_path='JPEGImages', seg_map_path=NOISY),
        ann_file='ImageSets/Segmentation/train.txt', pipeline=pipeline),
        clean_label_dir='SegmentationClass')


def correction_runner(root, work_dir, model, loader=None):
    """The parts of a runner the correction pass uses, around the noisy train set."""
    loader = loader or SimpleNamespace(dataset=noisy_train_set(root))
    return SimpleNamespace(work_dir=str(work_dir), model=model, iter=0,
                           train_loop=SimpleNamespace(dataloader=loader),
                           visualizer=RecordingVisualizer())


def test_correction_pass_writes_and_dataset_reads(noisy_root, tmp_path):
    from mmnoisy.engine.hooks import AdaptiveLabelCorrectionHook
    runner = correction_runner(noisy_root, tmp_path, ConstantModel(cls=1))
    loader = runner.train_loop.dataloader
    dataset = loader.dataset
    hook = AdaptiveLabelCorrectionHook()
    hook._correct(runner, epoch=3, update_classes=[0, 1])
    assert hook.label_set == 'adele_labels/epoch_3' and hook.corrected
    for idx in range(len(dataset)):
        info = dataset.get_data_info(idx)
        noisy = np.array(Image.open(info['noisy_seg_map_path']))
        name = dataset.label_name(info)
        if name not in hook.corrected:
            # Skipped: no disc in the label (rule 1).
            assert info['seg_map_path'] == info['noisy_seg_map_path']
            assert 1 not in noisy
            continue
        assert info['seg_map_path'] == osp.join(str(tmp_path), hook.label_set, name)
        sample = dataset[idx]['data_samples']
        new = sample.gt_sem_seg.data[0].numpy()
        np.testing.assert_array_equal(sample.gt_noisy_sem_seg.data[0].numpy(), noisy)
        assert sample.gt_clean_sem_seg.data.shape == sample.gt_sem_seg.data.shape
        # Background became disc; other classes of the label are untouched.
        assert set(np.unique(new)) <= set(np.unique(noisy)) | {1}
        assert not (new == 0).any()


def test_crf_sharpens_the_predictions_from_flip_epoch(noisy_root, tmp_path):
    """Logit margin 6 at temperature 3 is 0.48 confidence: below tau=0.8, so nothing
    changes without the CRF; the CRF (from ``flip_from_epoch``) lifts it above tau."""
    from mmnoisy.engine.hooks import AdaptiveLabelCorrectionHook
    runner = correction_runner(noisy_root, tmp_path, ConstantModel(cls=1, logit=6.0))
    hook = AdaptiveLabelCorrectionHook(crf=True, flip_from_epoch=2)
    hook._correct(runner, epoch=1, update_classes=[0, 1])
    assert hook.corrected == [] and hook.timings[-1]['crf'] is False
    hook._correct(runner, epoch=2, update_classes=[0, 1])
    assert hook.corrected and hook.timings[-1]['crf'] is True
    plain = AdaptiveLabelCorrectionHook(crf=False, flip_from_epoch=2)
    plain._correct(runner, epoch=2, update_classes=[0, 1])
    assert plain.corrected == []


def worker_view(batch):
    """collate_fn run in the worker: which process loaded each sample, from which file."""
    return [(os.getpid(), s['seg_map_path'], s['noisy_seg_map_path'], s['gt_seg_map'])
            for s in batch]


def test_label_set_change_reaches_running_persistent_workers(noisy_root, tmp_path):
    """Real DataLoader, 2 persistent workers: the labels the hook writes after an epoch are
    what the same (not restarted) workers load in the next epoch, and a second correction
    replaces them again."""
    from mmnoisy.engine.hooks import AdaptiveLabelCorrectionHook
    dataset = noisy_train_set(noisy_root, pipeline=[dict(type='LoadAnnotations')])
    loader = torch.utils.data.DataLoader(dataset, batch_size=8, num_workers=2,
                                         persistent_workers=True, collate_fn=worker_view)

    def epoch():
        return [sample for batch in loader for sample in batch]

    first = epoch()
    assert all(path == noisy for _, path, noisy, _ in first)
    pids = {pid for pid, *_ in first}
    assert len(pids) == 2 and os.getpid() not in pids

    hook = AdaptiveLabelCorrectionHook()
    for corrected_epoch, cls in ((0, 1), (1, 2)):
        runner = correction_runner(noisy_root, tmp_path, ConstantModel(cls=cls), loader)
        hook._correct(runner, epoch=corrected_epoch, update_classes=[0, cls])
        assert hook.corrected
        samples = epoch()
        assert {pid for pid, *_ in samples} == pids  # the same workers, not restarted
        label_dir = osp.join(str(tmp_path), hook.label_set)
        for _, path, noisy, label in samples:
            name = osp.relpath(noisy, osp.join(noisy_root, NOISY))
            if name in hook.corrected:
                assert path == osp.join(label_dir, name)
                np.testing.assert_array_equal(label, np.array(Image.open(path)))
                assert cls in label and not np.array_equal(label, Image.open(noisy))
            else:
                assert path == noisy


# ---------------------------------------------------------------- visualizer and warnings
CLASSES = ('background', 'disc', 'square', 'triangle', 'ring', 'cross', 'ellipse', 'star',
           'bar')


class ConfidentDisc(Hook):
    """Before ADELE's last correction, makes the head predict disc everywhere with high
    confidence (the tiny model's own predictions, background only, change no label): the
    pass then turns every label that holds a disc into disc (rule 2 keeps the others)."""
    priority = 'ABOVE_NORMAL'  # before AdaptiveLabelCorrectionHook (NORMAL)

    def after_train_epoch(self, runner):
        if self.is_last_train_epoch(runner):
            runner.model.decode_head.classifiers[0].bias.data[1] += 30.0


@pytest.fixture(scope='module')
def visual_run(noisy_root, tmp_path_factory):
    """A 2-epoch run of the tiny config on 8 images (2 iterations an epoch, a record each),
    every class triggered after epoch 1 (r=-1), then one correction pass; (work dir,
    vis_data folder, adele_curves.json)."""
    work_dir = tmp_path_factory.mktemp('adele_visuals')
    inner = 'train_dataloader.dataset.dataset'
    vis_data = train_with_visualizer(CONFIG, work_dir, {
        f'{inner}.data_root': noisy_root, f'{inner}.indices': 8,
        'train_dataloader.batch_size': 4, 'default_hooks.checkpoint.interval': 100
    }, hooks=[(ConfidentDisc(), ConfidentDisc.priority)])
    return work_dir, vis_data, read_curves(work_dir)


def label_changes(work_dir, state, root):
    """{label name: (pixels that differ from the original, their new classes)} of the
    labels the last pass wrote."""
    label_dir = osp.join(work_dir, state['label_set'])
    changes = {}
    for name in os.listdir(label_dir):
        new = np.array(Image.open(osp.join(label_dir, name)))
        original = np.array(Image.open(osp.join(root, NOISY, name)))
        changes[name] = (int((new != original).sum()), set(np.unique(new[new != original])))
    return changes


def test_visualizer_gets_curves_triggers_and_changes(visual_run, noisy_root):
    """scalars.json of the LocalVisBackend: the curves, trigger states and pass counts at
    steps = iterations done, the counts equal to the label files' differences; the curve
    plots in vis_image; the pass's log line."""
    work_dir, vis_data, state = visual_run
    scalars = local_scalars(vis_data)
    for cls, name in enumerate(CLASSES):
        assert scalars[f'adele/train_iou/{name}'] == [
            (step + 1, pytest.approx(curve[cls]))
            for step, curve in enumerate(state['curves']['noisy'])]
        assert len(scalars[f'adele/iou_el/{name}']) == 4  # clean labels were given
    # Epoch 0 (2 records): too few to fit, start epoch 16; epoch 1: every class triggers.
    assert state['triggered'] == {str(c): 1 for c in range(1, 9)}
    for name in CLASSES[1:]:
        assert scalars[f'adele/start_epoch/{name}'] == [(2, 16), (4, 1)]
        assert scalars[f'adele/triggered/{name}'] == [(2, 0), (4, 1)]
    changes = label_changes(work_dir, state, noisy_root)
    assert changes and set(changes) == set(state['corrected'])
    assert all(classes == {1} for _, classes in changes.values())  # all relabelled to disc
    pixels = sum(n for n, _ in changes.values())
    assert scalars['adele/changed_pixels'] == [(4, pixels)]
    assert scalars['adele/changed_pixels/disc'] == [(4, pixels)]
    assert scalars['adele/changed_pixels/background'] == [(4, 0)]
    assert scalars['adele/changed_images'] == [(4, len(changes))]
    assert scalars['adele/changed_images/disc'] == [(4, len(changes))]
    assert scalars['adele/changed_images/square'] == [(4, 0)]
    pngs = sorted(os.listdir(osp.join(work_dir, 'adele_curves')))
    images = sorted(os.listdir(osp.join(vis_data, 'vis_image')))
    assert len(pngs) == 8 and images == [f'adele_curves_{p[:-4]}_4.png' for p in pngs]
    np.testing.assert_array_equal(
        np.array(Image.open(osp.join(vis_data, 'vis_image', images[0])).convert('RGB')),
        np.array(Image.open(osp.join(work_dir, 'adele_curves', pngs[0])).convert('RGB')))
    (log, ) = glob(f'{work_dir}/*/*.log')
    assert (f'changed {len(changes)}/8 labels, {pixels} pixels (to disc {pixels} px in '
            f'{len(changes)} images)') in open(log).read()


def test_tensorboard_gets_the_same_scalars_and_the_plots(visual_run):
    work_dir, vis_data, _ = visual_run
    events = tensorboard_events(vis_data)
    scalars = local_scalars(vis_data)
    adele_tags = {t for t in scalars if t.startswith('adele/')}
    # train IoU, IoU_el, IoU_m per class; start epoch, triggered per foreground class;
    # changed pixels and images, in all and per class
    assert len(adele_tags) == 3 * 9 + 2 * 8 + 2 + 2 * 9
    assert adele_tags <= set(events.Tags()['scalars'])
    for tag in ('adele/train_iou/disc', 'adele/triggered/star', 'adele/changed_pixels/disc'):
        assert tensorboard_scalars(events, tag) == [
            (step, pytest.approx(value)) for step, value in scalars[tag]]
    assert sorted(events.Tags()['images']) == sorted(
        f'adele_curves_{p[:-4]}' for p in os.listdir(osp.join(work_dir, 'adele_curves')))
    (disc, ) = events.Images('adele_curves_01_disc')
    assert disc.step == 4 and disc.width > 100 and disc.height > 100


class CaptureLog(logging.Handler):
    """Keeps the records of a logger."""

    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.mark.parametrize('logit, update, reason', [
    (6.0, [0, 1], 'no pixel was predicted with confidence above tau=0.8 (the highest was '
                  '0.480, softmax at temperature 3.0)'),
    (30.0, [0], 'the pixels above tau=0.8 (highest confidence 1.000) all predict their '
                'current label or a class that has not triggered')])
def test_a_pass_that_changes_nothing_warns(noisy_root, tmp_path, logit, update, reason):
    """Disc predicted everywhere: with logit 6 at temperature 3 not confident enough
    (e^6/3 / (e^6/3 + 8) = 0.480); with logit 30 confident, but disc has not triggered."""
    from mmnoisy.engine.hooks import AdaptiveLabelCorrectionHook
    runner = correction_runner(noisy_root, tmp_path, ConstantModel(cls=1, logit=logit))
    logger, capture = MMLogger.get_current_instance(), CaptureLog()
    logger.addHandler(capture)
    try:
        AdaptiveLabelCorrectionHook()._correct(runner, epoch=1, update_classes=update)
    finally:
        logger.removeHandler(capture)
    (warning, ) = [r.getMessage() for r in capture.records if r.levelno == logging.WARNING]
    assert warning.startswith('ADELE correction after epoch 1 (classes background')
    assert 'changed 0/40 labels' in warning
    assert 'No label changed, training continues on the original noisy labels' in warning
    assert reason in warning
    assert runner.visualizer.series('adele/changed_pixels') == [(0, 0)]
    assert runner.visualizer.series('adele/changed_images') == [(0, 0)]


@pytest.mark.slow
def test_correctability_measures_the_hooks_pass_on_a_real_run(noisy_root, tmp_path):
    """tools/benchmark/adele_correctability.py's measurement on a trained run's checkpoint:
    the wrongly labelled pixels it counts are the noisy labels' (read from the files), and
    with the tiny config's tau=0 every pixel is confident, so every wrong pixel predicted
    as its clean class is reachable."""
    import runpy

    from conftest import REPO
    from mmnoisy.datasets.label_io import read_label
    work_dir = str(tmp_path / 'plain')
    run_tool('tools/train.py', CONFIG, '--work-dir', work_dir,
             *options(noisy_root, 'train_cfg.max_epochs=1', 'custom_hooks.0.correct=False',
                      'train_dataloader.dataset.dataset.indices=8'))
    tool = runpy.run_path(osp.join(REPO, 'tools/benchmark/adele_correctability.py'))
    rows = tool['measure']('moderate', work_dir, [1], [1.0], all_classes=True)
    assert [row['class_constraint'] for row in rows] == [True, False]
    wrong = valid = 0
    names = open(osp.join(noisy_root, 'ImageSets/Segmentation/train.txt')).read().split()
    for name in names[:8]:  # the images of the run (indices=8)
        noisy = read_label(osp.join(noisy_root, NOISY, f'{name}.png'))[0]
        clean = read_label(osp.join(noisy_root, 'SegmentationClass', f'{name}.png'))[0]
        wrong += int(np.count_nonzero((noisy != clean) & (clean != 255)))
        valid += int(np.count_nonzero(clean != 255))
    for row in rows:
        assert row['images'] == 8 and row['update_classes'] == list(range(9))
        assert (row['wrong'], row['valid'], row['confident']) == (wrong, valid, valid)
        assert row['reachable'] == row['pred_clean'] > 0
        assert row['fixed'] + row['broken'] <= row['changed']
    # the constraint only removes candidate classes: never more pixels fixed with it
    assert rows[0]['fixed'] <= rows[1]['fixed']
