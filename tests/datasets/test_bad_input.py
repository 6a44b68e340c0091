"""Bad data ends in one clear message naming the file, and leaves the work dir as it was."""
import os
import shutil

import numpy as np
import pytest
from PIL import Image

from conftest import TINY_CONFIG, run_tool, tiny_options
from mmnoisy.datasets import InvalidDatasetError, ProceduralShapesDataset

PREFIX = dict(img_path='JPEGImages', seg_map_path='SegmentationClass')
SPLIT = 'ImageSets/Segmentation/train.txt'


@pytest.fixture
def data(tmp_path, shapes_root):
    root = tmp_path / 'shapes'
    shutil.copytree(shapes_root, root)
    return root


def build(root, **kwargs):
    return ProceduralShapesDataset(data_root=str(root), data_prefix=PREFIX, ann_file=SPLIT,
                                   **kwargs)


def write_label(root, name, array):
    Image.fromarray(array).save(root / 'SegmentationClass' / f'{name}.png')


def test_valid_data_builds(data):
    assert len(build(data)) == 40


def test_missing_data_root(tmp_path):
    with pytest.raises(InvalidDatasetError, match='data root .*nowhere.* does not exist'):
        build(tmp_path / 'nowhere')


def test_missing_split_list(data):
    with pytest.raises(InvalidDatasetError, match='split list .*missing.txt'):
        ProceduralShapesDataset(data_root=str(data), data_prefix=PREFIX,
                                ann_file='missing.txt')


def test_split_id_without_image(data):
    with open(data / SPLIT, 'a') as f:
        f.write('ghost_001\n')
    with pytest.raises(InvalidDatasetError, match=r'1 id\(s\) .* no image .*ghost_001'):
        build(data)


def test_split_id_without_label(data):
    os.remove(data / 'SegmentationClass' / 'train_00007.png')
    with pytest.raises(InvalidDatasetError, match='no label .*train_00007'):
        build(data)


def test_label_values_out_of_range(data):
    label = np.asarray(Image.open(data / 'SegmentationClass' / 'train_00003.png')).copy()
    label[0, :3] = [9, 12, 255]  # 9 classes: 9 and 12 are invalid, 255 is ignore
    write_label(data, 'train_00003', label)
    with pytest.raises(InvalidDatasetError,
                       match=r'train_00003.png has values \[9, 12\] outside \[0, 8\]'):
        build(data)
    assert len(build(data, check_labels=False)) == 40  # the check can be turned off


def test_label_size_mismatch(data):
    write_label(data, 'train_00005', np.zeros((10, 20), np.uint8))
    with pytest.raises(InvalidDatasetError, match=r'train_00005.png is 20x10 but its image'):
        build(data)


def test_rgb_label_rejected(data):
    rgb = np.zeros((*Image.open(data / 'JPEGImages' / 'train_00001.jpg').size[::-1], 3),
                   np.uint8)
    Image.fromarray(rgb).save(data / 'SegmentationClass' / 'train_00001.png')
    with pytest.raises(InvalidDatasetError, match='RGB image; labels must be single-channel'):
        build(data)


def _train(data, work_dir, *extra):
    return run_tool('tools/train.py', TINY_CONFIG, '--work-dir', str(work_dir),
                    *tiny_options(data, *extra), check=False)


def test_train_tool_bad_label_one_line_and_clean_work_dir(data, tmp_path):
    label = np.asarray(Image.open(data / 'SegmentationClass' / 'train_00003.png')).copy()
    label[5, 5] = 40
    write_label(data, 'train_00003', label)
    work_dir = tmp_path / 'work'
    proc = _train(data, work_dir)
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert 'Traceback' not in proc.stderr
    error_lines = [line for line in proc.stderr.splitlines() if line.startswith('error:')]
    assert len(error_lines) == 1 and 'train_00003.png has values [40]' in error_lines[0]
    assert not work_dir.exists()  # nothing half-written


def test_train_tool_unknown_type(data, tmp_path):
    work_dir = tmp_path / 'work'
    work_dir.mkdir()
    (work_dir / 'notes.txt').write_text('kept')
    proc = _train(data, work_dir, 'model.decode_head.type=DeepLabV9Head')
    assert proc.returncode == 2
    assert 'Traceback' not in proc.stderr
    assert 'DeepLabV9Head is not in the' in proc.stderr
    assert os.listdir(work_dir) == ['notes.txt']  # only what was there before


def test_train_tool_missing_data_root(tmp_path):
    proc = _train(tmp_path / 'absent', tmp_path / 'work')
    assert proc.returncode == 2 and 'Traceback' not in proc.stderr
    assert 'absent' in proc.stderr and 'generate_demo_data.py' in proc.stderr
    assert not (tmp_path / 'work').exists()
