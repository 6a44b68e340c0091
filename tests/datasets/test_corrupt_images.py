"""A truncated or corrupt JPEG ends the run in one ``error:`` line naming the file: at
dataset build when its header is broken, at its first load when only its body is."""
import shutil

import pytest

from conftest import TINY_CONFIG, run_tool, tiny_options


def truncate(path, keep):
    data = path.read_bytes()
    path.write_bytes(data[:keep(len(data))])


@pytest.mark.parametrize('where', ['header', 'body'])
def test_corrupt_jpeg_is_named(tmp_path, shapes_root, where):
    root = tmp_path / 'shapes'
    shutil.copytree(shapes_root, root)
    if where == 'header':  # PIL cannot even read the size: the build-time check names it
        names = ['train_00003']
        truncate(root / 'JPEGImages' / 'train_00003.jpg', lambda n: 100)
    else:  # the size reads, the pixels do not: the loading transform names it
        names = [line.strip() for line in
                 (root / 'ImageSets/Segmentation/train.txt').read_text().split()]
        for name in names:
            truncate(root / 'JPEGImages' / f'{name}.jpg', lambda n: n // 2)
    work_dir = tmp_path / 'work'
    proc = run_tool('tools/train.py', TINY_CONFIG, '--work-dir', str(work_dir),
                    *tiny_options(root), check=False)
    assert proc.returncode == 2 and 'Traceback' not in proc.stderr, proc.stderr[-3000:]
    lines = [line for line in proc.stderr.splitlines() if line.startswith('error:')]
    assert len(lines) == 1, proc.stderr[-3000:]
    assert 'cannot be decoded' in lines[0] and 'truncated or corrupt' in lines[0]
    assert any(f'JPEGImages/{name}.jpg' in lines[0] for name in names), lines[0]
    assert not work_dir.exists()  # rolled back
