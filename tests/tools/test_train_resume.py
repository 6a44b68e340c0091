"""tools/train.py end to end: train, checkpoint, resume where it stopped, test."""
import os.path as osp
from glob import glob

import pytest
import torch

from conftest import TINY_CONFIG, logged_lrs, run_tool, tiny_options


@pytest.fixture
def uninterrupted(tiny_run):
    return tiny_run


def test_train_writes_checkpoint_metrics_and_prediction(uninterrupted):
    assert osp.isfile(uninterrupted / 'iter_6.pth')
    log = open(glob(f'{uninterrupted}/*/*.log')[0]).read()
    assert 'per class results' in log and 'mIoU' in log
    assert glob(f'{uninterrupted}/*/vis_data/vis_image/*.png')


@pytest.mark.slow
def test_resume_continues_iterations_and_lr(tmp_path, shapes_root, uninterrupted):
    work_dir = tmp_path / 'resumed'
    # First run "interrupted" after iteration 3 (its checkpoint is the last one written).
    run_tool('tools/train.py', TINY_CONFIG, '--work-dir', str(work_dir),
             *tiny_options(shapes_root, 'train_cfg.max_iters=3'))
    assert osp.isfile(work_dir / 'iter_3.pth')
    proc = run_tool('tools/train.py', TINY_CONFIG, '--work-dir', str(work_dir), '--resume',
                    *tiny_options(shapes_root))
    assert 'resumed epoch: 0, iter: 3' in proc.stdout + proc.stderr
    ckpt = torch.load(work_dir / 'iter_6.pth', weights_only=False)
    assert ckpt['meta']['iter'] == 6
    resumed, full = logged_lrs(work_dir), logged_lrs(uninterrupted)
    # The second run logged only iterations 4..6, on the same LR schedule.
    assert sorted(resumed) == [1, 2, 3, 4, 5, 6]
    for it in (4, 5, 6):
        assert resumed[it] == pytest.approx(full[it])


def test_test_tool_scores_a_checkpoint(tmp_path, shapes_root, uninterrupted):
    proc = run_tool('tools/test.py', TINY_CONFIG, str(uninterrupted / 'iter_6.pth'),
                    '--work-dir', str(tmp_path), '--out', str(tmp_path / 'pred'),
                    *tiny_options(shapes_root))
    assert 'mIoU' in proc.stdout + proc.stderr
    assert len(glob(f'{tmp_path}/pred/*.png')) == 12
