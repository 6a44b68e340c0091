"""UniMatch and UniMatch V2 end to end through tools/train.py on the procedural data: the
online loader's views, the losses and pseudo-label statistics in the log, checkpoints, and
resuming an interrupted run."""
import re

import pytest
import torch

from conftest import run_tool, semi_options

UNIMATCH = 'tests/data/configs/tiny_unimatch.py'
UNIMATCH_V2 = 'tests/data/configs/tiny_unimatch_v2.py'


def logged(log, key):
    return [float(v) for v in re.findall(rf'\b{re.escape(key)}: ([-\d.]+)', log)]


def train(config, work_dir, shapes_root, *extra):
    proc = run_tool('tools/train.py', config, '--work-dir', str(work_dir),
                    *semi_options(shapes_root, *extra))
    return proc.stdout + proc.stderr


@pytest.mark.slow
def test_tiny_unimatch_trains_and_resumes(tmp_path, shapes_root):
    log = train(UNIMATCH, tmp_path, shapes_root, 'train_cfg.max_iters=2')
    for key in ('sup_loss_ce', 'unsup_loss_s1', 'unsup_loss_s2', 'unsup_loss_fp'):
        assert len(logged(log, key)) == 2, key
    ratios, precisions = logged(log, 'mask_ratio'), logged(log, 'pl_precision')
    assert len(ratios) == 2 and all(0 <= r <= 1 for r in ratios)
    assert len(precisions) == 2  # the shapes data has labels for the unlabelled images
    # interrupted at 2 of 4: --resume continues from iter_2.pth
    log = train(UNIMATCH, tmp_path, shapes_root, '--resume')
    assert 'resumed' in log.lower() or 'Resumed' in log
    iters = [int(i) for i in re.findall(r'Iter\(train\) \[\s*(\d+)/4\]', log)]
    assert iters == [3, 4]
    state = torch.load(f'{tmp_path}/iter_4.pth', weights_only=False)
    assert state['meta']['iter'] == 4
    assert not any(k.startswith('ema.') for k in state['state_dict'])


@pytest.mark.slow
def test_tiny_unimatch_v2_trains_and_resumes(tmp_path, shapes_root):
    log = train(UNIMATCH_V2, tmp_path, shapes_root, 'train_cfg.max_iters=2')
    assert logged(log, 'teacher/mIoU') and logged(log, 'mIoU')
    assert len(logged(log, 'unsup_loss_s1')) == 2
    first = torch.load(f'{tmp_path}/iter_2.pth', weights_only=False)['state_dict']
    log = train(UNIMATCH_V2, tmp_path, shapes_root, '--resume')
    iters = [int(i) for i in re.findall(r'Iter\(train\) \[\s*(\d+)/4\]', log)]
    assert iters == [3, 4]
    state = torch.load(f'{tmp_path}/iter_4.pth', weights_only=False)['state_dict']
    key = next(k for k in state if k.startswith('ema.') and k.endswith('weight'))
    student = 'segmentor.' + key[len('ema.'):]
    # the teacher moved between the checkpoints, and it is not the student
    assert not torch.equal(first[key], state[key])
    assert not torch.equal(state[key], state[student])
    assert any(p.startswith('best_teacher_mIoU') for p in map(str, (
        p.name for p in tmp_path.iterdir())))
