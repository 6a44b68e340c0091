"""docs/new_dataset.md: each semi-supervised family's config for a user's VOC-layout dataset
(5 named classes, its own split lists) is at most 12 lines, and trains as written."""
import os
import os.path as osp
import re
import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from conftest import REPO

GUIDE = osp.join(REPO, 'docs', 'new_dataset.md')
CLASSES = 5
SECTIONS = {'DST-CBC': 'dst_cbc', 'Simple Baseline': 'simple_baseline',
            'Zhu et al.': 'zhu_student'}
# Test-only: a few iterations, one round, in-process loading.
SHORT = ['train_cfg.round_iters=2', 'train_cfg.val_interval=2', 'train_cfg.ratios=[1.0]',
         'semi_data.num_workers=0', 'val_dataloader.num_workers=0',
         'val_dataloader.persistent_workers=False', 'default_hooks.checkpoint.interval=2']


def guide_configs():
    """{section: the python block under its heading} of the guide."""
    text = open(GUIDE).read()
    configs = {}
    for title, name in SECTIONS.items():
        section = text[text.index(f'## {title}'):]
        configs[name] = re.search(r'```python\n(.*?)```', section, re.S).group(1)
    return configs


@pytest.fixture(scope='module')
def user_dir(tmp_path_factory, shapes_root):
    """A user's folder: configs/ beside mmnoisy's, data/my_dataset/ in VOC layout with 5
    classes (the procedural labels folded onto them) and its own split lists."""
    root = tmp_path_factory.mktemp('user')
    os.makedirs(root / 'configs' / 'my_dataset')
    for entry in os.listdir(osp.join(REPO, 'configs')):
        os.symlink(osp.join(REPO, 'configs', entry), root / 'configs' / entry)
    data = root / 'data' / 'my_dataset'
    for folder in ('JPEGImages', 'SegmentationClass', 'ImageSets/Segmentation'):
        os.makedirs(data / folder)
    ids = {'labeled': [f'lab_{i}' for i in range(8)],
           'unlabeled': [f'unl_{i}' for i in range(12)],
           'val': [f'val_{i}' for i in range(6)]}
    ids['valtiny'] = ids['val'][:3]
    sources = iter(sorted(f[:-4] for f in os.listdir(osp.join(shapes_root, 'JPEGImages'))))
    for name in ids['labeled'] + ids['unlabeled'] + ids['val']:
        source = next(sources)
        os.symlink(osp.join(shapes_root, 'JPEGImages', f'{source}.jpg'),
                   data / 'JPEGImages' / f'{name}.jpg')
        label = np.asarray(Image.open(osp.join(shapes_root, 'SegmentationClass',
                                               f'{source}.png')))
        folded = np.where(label == 255, 255, np.minimum(label, CLASSES - 1)).astype(np.uint8)
        Image.fromarray(folded).save(data / 'SegmentationClass' / f'{name}.png')
    for split, names in ids.items():
        (data / 'ImageSets' / 'Segmentation' / f'{split}.txt').write_text('\n'.join(names))
    return root


def train(user_dir, name, config_text, *options):
    config = user_dir / 'configs' / 'my_dataset' / f'{name}.py'
    config.write_text(config_text)
    work_dir = user_dir / 'work_dirs' / name
    proc = subprocess.run(
        [sys.executable, osp.join(REPO, 'tools', 'train.py'), str(config), '--work-dir',
         str(work_dir), '--cfg-options', *SHORT, *options],
        cwd=user_dir, env=dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS='1'),
        capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return work_dir, proc.stdout + proc.stderr


def test_guide_configs_are_short():
    configs = guide_configs()
    assert set(configs) == set(SECTIONS.values())
    for name, text in configs.items():
        lines = [line for line in text.splitlines() if line.strip()]
        assert len(lines) <= 12, (name, len(lines))


@pytest.mark.slow
@pytest.mark.parametrize('name', ['dst_cbc', 'simple_baseline'])
def test_guide_config_trains_on_the_users_data(user_dir, name):
    work_dir, log = train(user_dir, name, guide_configs()[name], 'train_cfg.sup_iters=2')
    # Every loader read the user's data: 8 labelled, 12 unlabelled (pseudo-labelled with
    # ground truth for the report), 3 valtiny images, 5 classes.
    assert "'labeled': 8, 'unlabeled': 12" in log
    pseudo = sorted(os.listdir(work_dir / 'round_1' / 'pseudo'))
    assert [p for p in pseudo if p.endswith('.png')] == sorted(
        f'unl_{i}.png' for i in range(12))
    assert 'Iter(val) [3/3]' in log
    # The per-class table lists the user's classes, not the base's.
    assert re.search(r'^\|\s+building\s+\|', log, re.M)
    assert not re.search(r'^\|\s+star\s+\|', log, re.M)
    assert osp.isfile(work_dir / 'iter_4.pth')


@pytest.mark.slow
def test_guide_student_trains_from_a_teacher(user_dir):
    from mmengine import Config
    from mmengine.registry import DefaultScope

    from mmnoisy.registry import MODELS
    config = user_dir / 'configs' / 'my_dataset' / 'zhu_student.py'
    config.write_text(guide_configs()['zhu_student'])
    with DefaultScope.overwrite_default_scope('mmnoisy'):
        teacher = MODELS.build(Config.fromfile(str(config)).train_cfg.teacher.model)
    assert teacher.decode_head.num_classes == CLASSES
    checkpoint = user_dir / 'teacher.pth'
    torch.save(dict(state_dict=teacher.state_dict()), checkpoint)
    work_dir, log = train(user_dir, 'zhu_student', guide_configs()['zhu_student'],
                          f'train_cfg.teacher.checkpoint={checkpoint}',
                          f'load_from={checkpoint}')
    assert len([p for p in os.listdir(work_dir / 'round_1' / 'pseudo')
                if p.endswith('.png')]) == 12
    assert osp.isfile(work_dir / 'iter_2.pth')
