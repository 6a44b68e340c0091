"""AdaptiveLabelCorrectionHook end to end through the real runner on tiny data."""
import json
import os
import os.path as osp

from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope
from PIL import Image

from conftest import run_tool
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
    return SimpleNamespace(work_dir=str(work_dir), model=model,
                           train_loop=SimpleNamespace(dataloader=loader))


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
