"""Checkpoints through the real tools: nothing executed, nothing scored that does not fit,
and --resume never mixed up with another run's files."""
import os
import os.path as osp
import shutil

import pytest
import torch

from conftest import TINY_CONFIG, run_tool, tiny_options


@pytest.fixture
def run_a(tiny_run):
    """A finished 6-iteration run (checkpoints at 3 and 6)."""
    return tiny_run


def error_lines(proc):
    return [line for line in proc.stderr.splitlines() if line.startswith('error: ')]


def assert_one_error(proc, *fragments):
    assert proc.returncode == 2, proc.stderr[-3000:]
    lines = error_lines(proc)
    assert len(lines) == 1, proc.stderr[-3000:]
    assert 'Traceback' not in proc.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_tool(shapes_root, tmp_path, checkpoint, *extra, check=False):
    return run_tool('tools/test.py', TINY_CONFIG, str(checkpoint), '--work-dir',
                    str(tmp_path / 'test_wd'), *extra, *tiny_options(shapes_root),
                    check=check)


test_tool.__test__ = False  # a helper, not a test


class RunsCode:
    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return os.makedirs, (self.marker, )


def test_test_tool_refuses_a_checkpoint_that_would_run_code(tmp_path, shapes_root, run_a):
    marker = tmp_path / 'code_ran'
    checkpoint = torch.load(run_a / 'iter_6.pth', weights_only=False)
    checkpoint['meta']['note'] = RunsCode(marker)
    crafted = tmp_path / 'crafted.pth'
    torch.save(checkpoint, crafted)
    proc = test_tool(shapes_root, tmp_path, crafted)
    assert_one_error(proc, str(crafted), 'os.makedirs', '--trust-checkpoint')
    assert not marker.exists()
    assert not (tmp_path / 'test_wd').exists()  # the work dir is left as it was
    # The user vouches for the file: it is unpickled (the code runs) and scored.
    proc = test_tool(shapes_root, tmp_path, crafted, '--trust-checkpoint', check=True)
    assert marker.exists() and 'mIoU' in proc.stdout + proc.stderr


def test_own_runner_checkpoints_score_without_trust(tmp_path, shapes_root, run_a):
    proc = test_tool(shapes_root, tmp_path, run_a / 'iter_6.pth', check=True)
    assert 'mIoU' in proc.stdout + proc.stderr
    assert 'unpickling' not in proc.stdout + proc.stderr


def test_checkpoint_of_another_class_count_is_refused(tmp_path, shapes_root, run_a):
    checkpoint = torch.load(run_a / 'iter_6.pth', weights_only=False)
    state = checkpoint['state_dict']
    state['decode_head.classifiers.0.weight'] = torch.zeros(21, 64, 3, 3)  # VOC's classes
    state.pop('decode_head.classifiers.0.bias')
    other = tmp_path / 'other.pth'
    torch.save(dict(state_dict=state), other)
    proc = test_tool(shapes_root, tmp_path, other)
    assert_one_error(proc, str(other), 'does not fit the model',
                     'decode_head.classifiers.0.weight (21, 64, 3, 3)', '--partial-load')
    assert not (tmp_path / 'test_wd').exists()
    proc = test_tool(shapes_root, tmp_path, other, '--partial-load', check=True)
    assert 'partial load' in proc.stdout + proc.stderr


@pytest.mark.parametrize('kind', ['empty', 'truncated'])
def test_empty_or_truncated_checkpoint_names_its_path(tmp_path, shapes_root, run_a, kind):
    broken = tmp_path / f'{kind}.pth'
    data = (run_a / 'iter_6.pth').read_bytes()
    broken.write_bytes(b'' if kind == 'empty' else data[:len(data) // 2])
    proc = test_tool(shapes_root, tmp_path, broken)
    assert_one_error(proc, str(broken), 'empty (0 bytes)' if kind == 'empty' else 'truncated')


def train(work_dir, shapes_root, *extra, check=True):
    return run_tool('tools/train.py', TINY_CONFIG, '--work-dir', str(work_dir), *extra,
                    *tiny_options(shapes_root), check=check)


@pytest.mark.slow
def test_resume_ignores_load_from_and_continues_this_run(tmp_path, shapes_root, run_a):
    """The documented teacher -> student command passes load_from; --resume must still
    continue this work dir, and leave the load_from run untouched."""
    work_dir = tmp_path / 'b'
    foreign = run_a / 'iter_6.pth'
    before = {p: os.stat(run_a / p).st_mtime_ns for p in os.listdir(run_a)}
    train(work_dir, shapes_root, '--cfg-options', f'load_from={foreign}',
          'train_cfg.max_iters=3')  # "killed" after iteration 3
    proc = train(work_dir, shapes_root, '--resume', '--cfg-options', f'load_from={foreign}')
    out = proc.stdout + proc.stderr
    assert 'resumed epoch: 0, iter: 3' in out
    assert osp.isfile(work_dir / 'iter_6.pth')
    assert {p: os.stat(run_a / p).st_mtime_ns for p in os.listdir(run_a)} == before


def test_resume_in_an_empty_work_dir_says_it_starts_from_scratch(tmp_path, shapes_root):
    proc = train(tmp_path / 'fresh', shapes_root, '--resume',
                 '--cfg-options', 'train_cfg.max_iters=1')
    assert 'holds no checkpoint yet, so this run starts from scratch' in proc.stdout + \
        proc.stderr


def test_resume_falls_back_past_a_truncated_newest_checkpoint(tmp_path, shapes_root, run_a):
    work_dir = tmp_path / 'c'
    shutil.copytree(run_a, work_dir, ignore=shutil.ignore_patterns('2*'))
    (work_dir / 'last_checkpoint').write_text(str(work_dir / 'iter_6.pth'))
    newest = work_dir / 'iter_6.pth'
    newest.write_bytes(newest.read_bytes()[:1000])  # killed while writing
    proc = train(work_dir, shapes_root, '--resume')
    out = proc.stdout + proc.stderr
    assert 'iter_6.pth (--resume) is truncated or corrupt' in out
    assert 'falling back to the previous checkpoint' in out
    assert 'resumed epoch: 0, iter: 3' in out
    assert torch.load(newest, weights_only=False)['meta']['iter'] == 6  # rewritten whole


def test_resume_refuses_a_best_checkpoint_of_another_run(tmp_path, shapes_root, run_a):
    work_dir = tmp_path / 'd'
    work_dir.mkdir()
    checkpoint = torch.load(run_a / 'iter_3.pth', weights_only=False)
    elsewhere = tmp_path / 'other_run' / 'best_mIoU_iter_3.pth'
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(b'another run')
    checkpoint['message_hub']['runtime_info']['best_ckpt'] = str(elsewhere)
    torch.save(checkpoint, work_dir / 'iter_3.pth')
    proc = train(work_dir, shapes_root, '--resume', check=False)
    assert_one_error(proc, str(elsewhere), 'outside this work dir')
    assert elsewhere.read_bytes() == b'another run'


def crafted_and_mismatched(tmp_path, state_dict):
    """(a file that would run code, a file of another class count) from ``state_dict``."""
    marker = tmp_path / 'code_ran'
    crafted = tmp_path / 'crafted.pth'
    torch.save(dict(state_dict=state_dict, meta=dict(note=RunsCode(marker))), crafted)
    state = dict(state_dict)
    key = next(k for k in state if k.endswith('classifiers.0.weight'))
    state[key] = torch.zeros(21, *state[key].shape[1:])
    mismatched = tmp_path / 'mismatched.pth'
    torch.save(dict(state_dict=state), mismatched)
    return marker, crafted, mismatched


@pytest.mark.parametrize('kind', ['crafted', 'mismatched'])
def test_load_from_is_read_safely_and_strictly(tmp_path, shapes_root, run_a, kind):
    state = torch.load(run_a / 'iter_6.pth', weights_only=False)['state_dict']
    marker, crafted, mismatched = crafted_and_mismatched(tmp_path, state)
    path = crafted if kind == 'crafted' else mismatched
    work_dir = tmp_path / 'wd'
    proc = train(work_dir, shapes_root, '--cfg-options', f'load_from={path}', check=False)
    assert_one_error(proc, str(path), '(load_from)',
                     '--trust-checkpoint' if kind == 'crafted' else '--partial-load')
    assert not marker.exists() and not work_dir.exists()


@pytest.mark.parametrize('kind', ['crafted', 'mismatched'])
def test_teacher_checkpoint_is_read_safely_and_strictly(tmp_path, shapes_root, kind):
    from mmengine import Config
    from mmengine.registry import DefaultScope

    from conftest import REPO, semi_options
    from mmnoisy.registry import MODELS
    config = 'tests/data/configs/tiny_self_training.py'
    with DefaultScope.overwrite_default_scope('mmnoisy'):
        teacher = MODELS.build(Config.fromfile(osp.join(REPO, config)).train_cfg.teacher.model)
    marker, crafted, mismatched = crafted_and_mismatched(tmp_path, teacher.state_dict())
    path = crafted if kind == 'crafted' else mismatched
    proc = run_tool('tools/train.py', config, '--work-dir', str(tmp_path / 'student'),
                    *semi_options(shapes_root, f'train_cfg.teacher.checkpoint={path}'),
                    check=False)
    assert_one_error(proc, str(path), 'train_cfg.teacher.checkpoint',
                     '--trust-checkpoint' if kind == 'crafted' else '--partial-load')
    assert not marker.exists()


def test_pseudo_label_tool_refuses_a_checkpoint_that_would_run_code(tmp_path, shapes_root,
                                                                    run_a):
    from conftest import SEMI_CONFIG, semi_options
    state = torch.load(run_a / 'iter_6.pth', weights_only=False)['state_dict']
    marker, crafted, _ = crafted_and_mismatched(tmp_path, state)
    proc = run_tool('tools/pseudo_label.py', SEMI_CONFIG, str(crafted), '--out',
                    str(tmp_path / 'pseudo'), '--work-dir', str(tmp_path / 'wd'),
                    *semi_options(shapes_root), check=False)
    assert_one_error(proc, str(crafted), '--trust-checkpoint')
    assert not marker.exists() and not (tmp_path / 'pseudo').exists()
    assert not (tmp_path / 'wd').exists()  # the work dir is left as it was


def test_test_tool_out_never_writes_among_the_data(tmp_path, shapes_root, run_a):
    labels = osp.join(shapes_root, 'SegmentationClass')
    before = sorted(os.listdir(labels))
    proc = test_tool(shapes_root, tmp_path, run_a / 'iter_6.pth', '--out', labels)
    assert_one_error(proc, 'is the input folder', labels)
    assert sorted(os.listdir(labels)) == before
    foreign = tmp_path / 'notes'
    foreign.mkdir()
    (foreign / 'todo.txt').write_text('mine')
    proc = test_tool(shapes_root, tmp_path, run_a / 'iter_6.pth', '--out', str(foreign))
    assert_one_error(proc, 'is not empty and was not written by test')
