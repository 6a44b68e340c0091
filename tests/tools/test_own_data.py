"""docs/own_data.md as a user follows it: a 6-class VOC-layout dataset (palette masks, its own
class names, an id list, images without masks), every command of the guide run as written
from the user's folder, every config of the guide trained through the real tools/train.py
for a few iterations."""
import os
import os.path as osp
import re
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from conftest import REPO, run_tool_main

GUIDE = osp.join(REPO, 'docs', 'own_data.md')
CLASSES = ('background', 'road', 'building', 'tree', 'car', 'water')
PALETTE = [[0, 0, 0], [128, 64, 128], [70, 70, 70], [107, 142, 35], [0, 0, 142],
           [0, 130, 180]]
NUM_TRAIN, NUM_VAL, NUM_EXTRA, SIZE = 16, 24, 4, 48
SPLITS = 'data/my_dataset/ImageSets/Segmentation'

# Test-only --cfg-options: a few iterations, small batches, in-process loading.
LOADERS = [f'{split}_dataloader.{key}' for split in ('train', 'val', 'test')
           for key in ('num_workers=0', 'persistent_workers=False')]
ITERS = ['train_cfg.max_iters=2', 'train_cfg.val_interval=2', 'train_dataloader.batch_size=2',
         'default_hooks.checkpoint.interval=2', *LOADERS]
SEMI = ['train_cfg.sup_iters=2', 'train_cfg.round_iters=2', 'train_cfg.val_interval=2',
        'train_cfg.ratios=[1.0]', 'semi_data.num_workers=0', 'semi_data.source_ratio=[1,1]',
        'default_hooks.checkpoint.interval=2', *LOADERS[2:]]
SHORT = {
    'supervised': ITERS,
    'zhu_teacher': ITERS,
    'dst_cbc': SEMI,
    'simple_baseline': SEMI,
    'dst_cbc_unlabeled': SEMI,
    'zhu_student': SEMI[1:],  # no supervised stage: the teacher is trained by its config
    'adele': ['train_cfg.max_epochs=2', 'train_dataloader.batch_size=8',
              'custom_hooks.0.interval=1', *LOADERS],
    'ssvt': ITERS,
}


# ---------------------------------------------------------------------------- the guide
def logical_lines(block):
    """The commands of a bash block, continuation lines joined."""
    return [line for line in block.replace('\\\n', ' ').splitlines() if line.strip()]


def guide_blocks():
    """[(section number, language, text)] of every fenced block of the guide."""
    blocks, section = [], 0
    for match in re.finditer(r'^## (\d+)\.|^```(\w*)\n(.*?)^```', open(GUIDE).read(),
                             re.M | re.S):
        if match.group(1):
            section = int(match.group(1))
        else:
            blocks.append((section, match.group(2), match.group(3)))
    return blocks


def guide_configs():
    """{name: text} of the guide's configs (each block starts with its path)."""
    configs = {}
    for _, lang, text in guide_blocks():
        if lang == 'python':
            path = re.match(r'# configs/my_dataset/(\w+)\.py\n', text).group(1)
            configs[path] = text
    return configs


def guide_commands(section):
    """The bash commands of a section, in order."""
    return [line for number, lang, text in guide_blocks()
            if number == section and lang == 'bash' for line in logical_lines(text)]


# ------------------------------------------------------------------------- user's data
def draw_sample(rng):
    """A 48 px image and its mask: a background and three rectangles of the classes, each
    class its own colour with noise, a 1 px outline ignored (255), as in VOC."""
    mask, classes = np.zeros((2, SIZE, SIZE), np.uint8)
    for cls in rng.choice(np.arange(1, len(CLASSES)), 3, replace=False):
        y, x = rng.integers(0, SIZE - 12, 2)
        h, w = rng.integers(8, 24, 2)
        classes[y:y + h, x:x + w] = cls
        mask[y:y + h, x:x + w] = 255
        mask[y + 1:y + h - 1, x + 1:x + w - 1] = cls
    image = np.array(PALETTE, np.int16)[classes] + rng.integers(-30, 30, (SIZE, SIZE, 3))
    return np.clip(image, 0, 255).astype(np.uint8), mask


def save_mask(path, mask):
    """A palette PNG of class indices, as VOC's masks are (255 in white)."""
    png = Image.fromarray(mask, mode='P')
    png.putpalette([c for colour in PALETTE for c in colour] + [255] * 3 * (256 - 6))
    png.save(path)


@pytest.fixture(scope='module')
def user_dir(tmp_path_factory):
    """A user's folder beside the mmnoisy checkout: tools/ and configs/ (mmnoisy's, plus
    configs/my_dataset/ with the guide's configs), data/my_dataset/ in VOC layout with 6
    classes, train.txt and val.txt, and images without masks listed in unlabeled.txt."""
    root = tmp_path_factory.mktemp('user')
    os.symlink(osp.join(REPO, 'tools'), root / 'tools')
    os.makedirs(root / 'configs' / 'my_dataset')
    for entry in os.listdir(osp.join(REPO, 'configs')):
        os.symlink(osp.join(REPO, 'configs', entry), root / 'configs' / entry)
    for name, text in guide_configs().items():
        (root / 'configs' / 'my_dataset' / f'{name}.py').write_text(text)
    data = root / 'data' / 'my_dataset'
    for folder in ('JPEGImages', 'SegmentationClass', 'ImageSets/Segmentation'):
        os.makedirs(data / folder)
    rng = np.random.default_rng(0)
    ids = dict(train=[f'{i:04d}' for i in range(NUM_TRAIN)],
               val=[f'{i:04d}' for i in range(NUM_TRAIN, NUM_TRAIN + NUM_VAL)],
               unlabeled=[f'extra_{i:02d}' for i in range(NUM_EXTRA)])
    for split, names in ids.items():
        for name in names:
            image, mask = draw_sample(rng)
            Image.fromarray(image).save(data / 'JPEGImages' / f'{name}.jpg')
            if split != 'unlabeled':
                save_mask(data / 'SegmentationClass' / f'{name}.png', mask)
        (data / 'ImageSets' / 'Segmentation' / f'{split}.txt').write_text(
            ''.join(f'{name}\n' for name in names))
    return root


def run_commands(user_dir, commands):
    """Run the guide's commands in the user's folder as written, in one bash, with `python`
    this interpreter; each tools/train.py gets the test's short schedule appended."""
    script = ['set -e', f'python() {{ {sys.executable} "$@"; }}']
    for command in commands:
        train = re.match(r'python tools/train.py configs/my_dataset/(\w+)\.py', command)
        if train:
            command += ' --cfg-options ' + ' '.join(SHORT[train.group(1)])
        script.append(command)
    proc = subprocess.run(
        ['bash', '-c', '\n'.join(script)], cwd=user_dir, capture_output=True, text=True,
        env=dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS='1'), timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    return proc.stdout + proc.stderr


@pytest.fixture(scope='module')
def split_lists(user_dir):
    """Section 3's command, run as written."""
    log = run_commands(user_dir, guide_commands(3))
    return user_dir / SPLITS, log


def read_list(path):
    return open(path).read().split()


def assert_trained(work_dir, log, checkpoint='iter_2.pth', best=True):
    """A checkpoint (and the best one) written, and the validation's per-class table
    naming the user's classes (not the base's) with an mIoU."""
    assert osp.isfile(work_dir / checkpoint), sorted(os.listdir(work_dir))
    assert best == any(p.startswith('best_mIoU_') for p in os.listdir(work_dir))
    for name in CLASSES:
        assert re.search(rf'^\|\s+{name}\s+\|', log, re.M), name
    assert not re.search(r'^\|\s+(disc|star|aeroplane)\s+\|', log, re.M)
    assert re.search(r'mIoU: \d+\.\d+', log)


# ------------------------------------------------------------------------- fast tests
def test_guide_covers_every_method_with_short_configs():
    configs = guide_configs()
    assert set(configs) == {'my_data', *SHORT}
    bases = {name: re.search(r"_base_ = \[?'\.\./(\w+)/", text)
             for name, text in configs.items()}
    assert {m.group(1) for m in bases.values() if m} == {
        'demo', 'dst_cbc', 'simple_baseline', 'self_training', 'adele', 'ssvt'}
    for name, text in configs.items():
        lines = [line for line in text.splitlines() if line.strip()]
        assert len(lines) <= 12, (name, len(lines))
        if name != 'my_data':
            assert 'len(_base_.my_classes)' in text or name == 'dst_cbc_unlabeled', name
    # Every command of the guide is run by a test below.
    sections = {number for number, lang, _ in guide_blocks() if lang == 'bash'}
    assert sections == {3, 4, 5, 6, 7, 8, 9}


def leaf_datasets(dataset):
    """The dataset configs inside concatenations (rounds) and wrappers (ADELE's)."""
    for sub in dataset.get('datasets', [dataset.get('dataset')] if 'dataset' in dataset
                           else []):
        yield from leaf_datasets(sub)
    if 'datasets' not in dataset and 'dataset' not in dataset:
        yield dataset


def test_guide_configs_name_the_users_classes(user_dir):
    """Every dataset and head of every guide config: the user's 6 classes and palette."""
    from mmengine.config import Config

    from mmnoisy.datasets import complete_dataloaders, semi_data_spec
    for name in SHORT:
        cfg = Config.fromfile(str(user_dir / 'configs' / 'my_dataset' / f'{name}.py'))
        complete_dataloaders(cfg)
        loaders = [cfg[f'{split}_dataloader'] for split in ('val', 'test')]
        if cfg.get('semi_data'):
            spec = semi_data_spec(cfg)
            loaders += [spec.round_dataloader('pseudo'), spec.unlabeled_dataloader()]
        else:
            loaders.append(cfg.train_dataloader)
        datasets = [d for loader in loaders for d in leaf_datasets(loader['dataset'])]
        for dataset in datasets:
            assert dataset['type'] == 'CheckedSegDataset', name
            assert tuple(dataset['metainfo']['classes']) == CLASSES, name
            assert len(dataset['metainfo']['palette']) == len(CLASSES), name
        model = cfg.model.get('segmentor', cfg.model)
        assert model.decode_head.num_classes == len(CLASSES), name
        if name == 'zhu_student':
            assert cfg.train_cfg.teacher.model.decode_head.num_classes == len(CLASSES)


def test_make_splits_as_in_the_guide(split_lists):
    lists, log = split_lists
    train, val = read_list(lists / 'train.txt'), read_list(lists / 'val.txt')
    labeled, unlabeled = read_list(lists / '8_labeled_0.txt'), read_list(
        lists / '8_unlabeled_0.txt')
    assert len(labeled) == 2 and sorted(labeled + unlabeled) == sorted(train)
    valtiny = read_list(lists / 'valtiny.txt')
    assert len(valtiny) == 20 and set(valtiny) < set(val)
    assert [i for i in val if i in valtiny] == valtiny  # in the val list's order
    assert 'valtiny: 20 of 24 val ids' in log


def test_too_few_head_outputs_is_one_error_line(user_dir, split_lists, tmp_path, capsys,
                                                monkeypatch):
    """The guide's baseline with a head of 4 outputs for the 6 classes: the message the
    guide quotes, through the real tool, before any iteration."""
    config = user_dir / 'configs' / 'my_dataset' / 'wrong_num_classes.py'
    config.write_text("_base_ = './supervised.py'\n"
                      'model = dict(decode_head=dict(num_classes=4))\n')
    monkeypatch.chdir(user_dir)
    code, _, err = run_tool_main('tools/train.py', config, '--work-dir', tmp_path / 'run',
                                 '--cfg-options', *SHORT['supervised'], capsys=capsys,
                                 monkeypatch=monkeypatch)
    quoted = re.search(r'^  (error: model\.decode_head\.num_classes=4 .*)$',
                       open(GUIDE).read(), re.M).group(1)
    assert code == 2
    assert err.strip().splitlines()[-1] == quoted
    assert not (tmp_path / 'run').exists()


# -------------------------------------------------------------- the guide's runs (slow)
@pytest.mark.slow
def test_supervised_baseline(user_dir, split_lists):
    log = run_commands(user_dir, guide_commands(4))
    assert_trained(user_dir / 'work_dirs' / 'supervised', log)
    assert 'Iter(val) [20/20]' in log  # valtiny


@pytest.mark.slow
def test_dst_cbc_and_simple_baseline_then_test(user_dir, split_lists):
    commands = guide_commands(5)
    assert len(commands) == 3
    log = run_commands(user_dir, commands[:2])
    runs = log.split('configs/my_dataset/simple_baseline.py')
    for name in ('dst_cbc', 'simple_baseline'):
        work_dir = user_dir / 'work_dirs' / name
        assert_trained(work_dir, log, 'iter_4.pth')
        # The round pseudo-labelled the 14 unlabelled training images, and reported their
        # quality against the masks the user has for them.
        pseudo = work_dir / 'round_1' / 'pseudo'
        assert sorted(p[:-4] for p in os.listdir(pseudo) if p.endswith('.png')) == sorted(
            read_list(split_lists[0] / '8_unlabeled_0.txt'))
        report = open(pseudo / 'report.md').read()
        assert 'water' in report and 'IoU' in report
        assert os.listdir(pseudo / 'overlays')
    assert "'labeled': 2, 'unlabeled': 14" in runs[0]
    # Section 9: the best checkpoint scored on the whole val list.
    log = run_commands(user_dir, guide_commands(9))
    assert 'Iter(test) [24/24]' in log and re.search(r'^\|\s+water\s+\|', log, re.M)


@pytest.mark.slow
def test_unlabelled_images_without_masks(user_dir, split_lists):
    log = run_commands(user_dir, guide_commands(5)[2:])
    work_dir = user_dir / 'work_dirs' / 'dst_cbc_unlabeled'
    assert_trained(work_dir, log, 'iter_4.pth')
    assert "'labeled': 16, 'unlabeled': 4" in log
    pseudo = work_dir / 'round_1' / 'pseudo'
    assert sorted(p for p in os.listdir(pseudo) if p.endswith('.png')) == [
        f'extra_{i:02d}.png' for i in range(NUM_EXTRA)]


@pytest.mark.slow
def test_zhu_teacher_then_student(user_dir, split_lists):
    log = run_commands(user_dir, guide_commands(6))
    assert_trained(user_dir / 'work_dirs' / 'zhu_teacher', log)
    work_dir = user_dir / 'work_dirs' / 'zhu_student'
    assert_trained(work_dir, log.split('zhu_student.py')[-1])
    assert len([p for p in os.listdir(work_dir / 'round_1' / 'pseudo')
                if p.endswith('.png')]) == 14
    assert any(p.endswith('.json') for p in os.listdir(work_dir / 'centroids'))


@pytest.mark.slow
def test_adele_on_noisy_masks(user_dir, split_lists):
    log = run_commands(user_dir, guide_commands(7))
    noisy = user_dir / 'data' / 'my_dataset' / 'SegmentationClassNoisy'
    assert sorted(p for p in os.listdir(noisy) if p.endswith('.png')) == [
        f'{i:04d}.png' for i in range(NUM_TRAIN)]
    work_dir = user_dir / 'work_dirs' / 'adele'
    assert_trained(work_dir, log, 'epoch_2.pth')
    assert osp.isfile(work_dir / 'adele_curves.json')
    assert sorted(os.listdir(work_dir / 'adele_curves')) == sorted(
        f'{i:02d}_{name}.png' for i, name in enumerate(CLASSES) if i)


@pytest.mark.slow
def test_ssvt_on_scribbles(user_dir, split_lists):
    log = run_commands(user_dir, guide_commands(8))
    scribbles = user_dir / 'data' / 'my_dataset' / 'SegmentationScribble'
    assert osp.isfile(scribbles / 'coverage.json')
    assert_trained(user_dir / 'work_dirs' / 'ssvt', log, best=False)
