"""The full-scale FixMatch / UniMatch / UniMatch V2 configs against the released recipes.

Each leaf in configs/{fixmatch,unimatch,unimatch_v2}/ (not the CPU-sized shapes ones) must
read its split lists, train as many iterations as the release (epochs x the unlabelled
loader's ceil(N_u / gpus) // batch_per_gpu batches; the header states the arithmetic), use
the released batch, crop, threshold and learning rates, train on the online loader, and
name the README's number. tests/test_configs.py builds their models and datasets.
"""
import math
import os.path as osp
import re
from glob import glob

import pytest
from mmengine.config import Config

from conftest import REPO
from mmnoisy.datasets import complete_dataloaders
from mmnoisy.datasets.splits import read_ids

LEAVES = sorted(p for method in ('fixmatch', 'unimatch', 'unimatch_v2')
                for p in glob(f'{REPO}/configs/{method}/*.py') if 'shapes' not in p)

# The released yaml files (LiheYoung/UniMatch configs/{pascal,cityscapes}.yaml, UniMatch-V2
# likewise): batch_size per GPU (x 4 GPUs), crop_size, epochs, conf_thresh, lr, lr_multi.
RELEASED = {
    ('v1', 'voc12aug'): dict(batch=2, crop=321, epochs=80, conf=0.95, lr=1e-3, lr_multi=10),
    ('v1', 'cityscapes'): dict(batch=2, crop=801, epochs=240, conf=0, lr=5e-3, lr_multi=1),
    ('v2', 'voc12aug'): dict(batch=4, crop=518, epochs=60, conf=0.95, lr=5e-6, lr_multi=40),
    ('v2', 'cityscapes'): dict(batch=2, crop=798, epochs=180, conf=0.95, lr=5e-6, lr_multi=40),
}
GPUS = 4
# mIoU the READMEs report: UniMatch (ResNet-101), UniMatch V2 (DINOv2-Base); for DINOv2-Small
# the best EMA-teacher mIoU of the release's training log of the split.
PAPER = {
    ('v1', '92'): '75.2', ('v1', '183'): '77.2', ('v1', '366'): '78.8', ('v1', '732'): '79.9',
    ('v1', '1464'): '81.2', ('v1', '1-16'): '76.6', ('v1', '1-8'): '77.9',
    ('v1', '1-4'): '79.2', ('v1', '1-2'): '79.5',
    ('vitb14', '92'): '86.3', ('vitb14', '183'): '87.9', ('vitb14', '366'): '88.9',
    ('vitb14', '732'): '90.0', ('vitb14', '1464'): '90.8', ('vitb14', '1-16'): '83.6',
    ('vitb14', '1-8'): '84.3', ('vitb14', '1-4'): '84.5', ('vitb14', '1-2'): '85.1',
    ('vits14', '92'): '79.03', ('vits14', '183'): '85.50', ('vits14', '366'): '85.85',
    ('vits14', '732'): '86.69', ('vits14', '1464'): '87.82', ('vits14', '1-16'): '80.55',
    ('vits14', '1-8'): '81.86', ('vits14', '1-4'): '82.39', ('vits14', '1-2'): '82.61',
}
SCHEDULE = re.compile(r'max_iters (\d+) = (\d+) epochs x (\d+) iterations \(ceil\((\d+) / '
                      r'(\d+) GPUs\) // (\d+) per GPU')


def header(path):
    """The leading comment of a config, as one line."""
    lines = []
    with open(path) as f:
        for line in f:
            if not line.startswith('#'):
                break
            lines.append(line.lstrip('#').strip())
    return ' '.join(lines)


def describe(path):
    name = osp.basename(path)
    method = osp.basename(osp.dirname(path))
    version = 'v2' if method == 'unimatch_v2' else 'v1'
    dataset = 'voc12aug' if '_voc12aug-' in name else 'cityscapes'
    labels = re.search(r'_(?:unimatch|fixmatch|unimatch-v2)-([\d-]+)\.py$', name).group(1)
    return method, version, dataset, labels


def test_leaves_found():
    # 5 VOC + 4 Cityscapes protocols: UniMatch, FixMatch, and V2 with two encoders.
    assert len(LEAVES) == 9 * 4


@pytest.mark.parametrize('path', LEAVES, ids=lambda p: osp.relpath(p, REPO))
def test_online_leaf_matches_release(path):
    method, version, dataset, labels = describe(path)
    released = RELEASED[(version, dataset)]
    cfg = Config.fromfile(path)
    text = header(path)

    # Split lists: the protocol of the file name, on disk; the header's schedule arithmetic
    # from their id count, and the config's loop from it.
    labeled, unlabeled = cfg.semi_data.labeled_split, cfg.semi_data.unlabeled_split
    tag = labels.replace('-', '_')
    assert osp.basename(labeled) == f'{tag}_labeled.txt'
    assert osp.basename(unlabeled) == f'{tag}_unlabeled.txt'
    assert osp.isfile(labeled) and osp.isfile(unlabeled)
    assert read_ids(labeled) and not set(read_ids(labeled)) & set(read_ids(unlabeled))
    num_unlabeled = len(read_ids(unlabeled))
    match = SCHEDULE.search(text)
    assert match, f'{path}: the header states no schedule'
    max_iters, epochs, per_epoch, n_u, gpus, batch = map(int, match.groups())
    assert (n_u, gpus, batch, epochs) == (num_unlabeled, GPUS, released['batch'],
                                          released['epochs'])
    assert per_epoch == math.ceil(num_unlabeled / GPUS) // released['batch']
    assert max_iters == epochs * per_epoch
    assert cfg.train_cfg.max_iters == max_iters
    assert cfg.train_cfg.val_interval == per_epoch  # validated every epoch, as released
    assert f'{epochs}e_' in osp.basename(path)

    # Batch, crop, threshold, learning rates as released.
    batch = released['batch']
    assert tuple(cfg.semi_data.source_ratio) == ((batch, 2 * batch) if version == 'v1' else
                                                 (batch, batch))
    crop = (released['crop'], released['crop'])
    assert [tuple(t.crop_size) for t in cfg.semi_data.train_pipeline
            if t.type == 'RandomCrop'] == [crop]
    assert tuple(cfg.model.data_preprocessor.size) == crop
    assert f'-{crop[0]}x{crop[1]}_' in osp.basename(path)
    segmentor = cfg.model.segmentor
    assert cfg.model.conf_thresh == released['conf']
    if dataset == 'cityscapes':
        stride = int(crop[0] * 2 / 3)
        assert segmentor.test_cfg == dict(mode='slide', crop_size=crop, stride=(stride, stride))
        ohem = segmentor.decode_head.sampler
        assert ohem.type == 'OHEMPixelSampler' and ohem.thresh == 0.7
        assert ohem.min_kept * batch == 200000  # per image in mmseg, per GPU batch released
        assert segmentor.decode_head.num_classes == 19
    else:
        assert segmentor.test_cfg.mode == 'whole'
        assert 'sampler' not in segmentor.decode_head
        assert segmentor.decode_head.num_classes == 21
    optimizer, custom_keys = cfg.optim_wrapper.optimizer, cfg.optim_wrapper.paramwise_cfg.custom_keys
    if version == 'v1':
        assert optimizer.lr == pytest.approx(released['lr'])
        assert custom_keys['decode_head'].lr_mult == released['lr_multi']
    else:
        assert optimizer.lr == pytest.approx(released['lr'] * released['lr_multi'])
        assert custom_keys['backbone'].lr_mult == pytest.approx(1 / released['lr_multi'])

    # The method and its loader: online batches whose unlabelled images carry strong views.
    expected = dict(fixmatch='FixMatchSegmentor', unimatch='UniMatchSegmentor',
                    unimatch_v2='UniMatchV2Segmentor')[method]
    assert cfg.model.type == expected
    complete_dataloaders(cfg)
    loader = cfg.train_dataloader
    assert loader.sampler.type == 'MultiSourceSampler'
    assert list(loader.sampler.source_ratio) == list(cfg.semi_data.source_ratio)
    unlabeled_set = loader.dataset.datasets[1]
    types = [t['type'] for t in unlabeled_set.pipeline]
    assert types[-2:] == ['StrongViews', 'PackSegViews']
    assert 'LoadAnnotations' not in types and 'seg_map_path' not in unlabeled_set.data_prefix
    assert unlabeled_set.pipeline[-2]['num_views'] == (1 if method == 'fixmatch' else 2)
    for split in ('val', 'test'):
        assert osp.basename(cfg[f'{split}_dataloader'].dataset.ann_file) == 'val.txt'

    if version == 'v2':
        assert [h.type for h in cfg.custom_hooks] == ['MeanTeacherHook']
        assert cfg.custom_hooks[0].momentum == 0.996
        assert cfg.val_cfg.type == 'TeacherStudentValLoop'
        encoder = 'vits14' if 'dinov2-vits14' in path else 'vitb14'
        assert segmentor.backbone.arch == ('vit_small' if encoder == 'vits14' else 'vit_base')
    else:
        encoder = 'v1'
        assert cfg.get('custom_hooks', []) == []

    # The paper's number, and the command that trains this file.
    assert f' {PAPER[(encoder, labels)]} ' in text, f'{path}: README number missing'
    assert f'tools/dist_train.sh {osp.relpath(path, REPO)} {GPUS}' in text
