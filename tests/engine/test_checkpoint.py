"""The checkpoint policy: runner checkpoints read without unpickling code, crafted files
refused, weights that do not fit the model refused by default."""
import os

import pytest
import torch
from mmengine.logging import HistoryBuffer

from mmnoisy.engine.checkpoint import load_weights, read_checkpoint, weights_of
from mmnoisy.utils.errors import CheckpointError


class RunsCode:
    """Unpickling this object creates ``marker``: proof that the file's code ran."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return os.makedirs, (self.marker, )


class ReachesPastHistoryBuffer:
    """Pickles as ``getattr(HistoryBuffer, 'update')``: the one ``getattr`` shape a runner
    checkpoint uses, aimed at a method that is no statistic."""

    def __reduce__(self):
        return getattr, (HistoryBuffer, 'update')


def runner_like_checkpoint(path):
    """What mmengine's CheckpointHook writes: weights plus log buffers and numpy state."""
    import numpy as np
    history = HistoryBuffer()
    for value in (1.0, 0.5):
        history.update(value)
    checkpoint = dict(
        meta=dict(iter=6, seed=np.int64(3), dataset_meta=dict(classes=('a', 'b'))),
        state_dict=dict(weight=torch.ones(2, 3)),
        message_hub=dict(log_scalars={'train/loss': history},
                         runtime_info=dict(curve=np.arange(4.0), best_ckpt=None)))
    torch.save(checkpoint, path)
    return checkpoint


def test_runner_checkpoint_reads_without_unpickling(tmp_path):
    path = tmp_path / 'iter_6.pth'
    runner_like_checkpoint(path)
    checkpoint = read_checkpoint(str(path))  # not trusted: the weights-only unpickler
    history = checkpoint['message_hub']['log_scalars']['train/loss']
    assert isinstance(history, HistoryBuffer) and history.mean() == pytest.approx(0.75)
    assert history.current() == 0.5
    assert checkpoint['message_hub']['runtime_info']['curve'].tolist() == [0, 1, 2, 3]
    assert torch.equal(checkpoint['state_dict']['weight'], torch.ones(2, 3))


def test_code_in_a_checkpoint_never_runs_unless_trusted(tmp_path):
    marker = tmp_path / 'code_ran'
    path = tmp_path / 'crafted.pth'
    torch.save(dict(state_dict={}, meta=RunsCode(marker)), path)
    with pytest.raises(CheckpointError,
                       match=r'crafted.pth \(load_from\) holds Python objects .*os.makedirs.*'
                       r'--trust-checkpoint'):
        read_checkpoint(str(path), option='load_from')
    assert not marker.exists()
    read_checkpoint(str(path), trusted=True)  # the user vouches for it: unpickled
    assert marker.exists()


def test_getattr_reaches_only_history_buffer_statistics(tmp_path):
    path = tmp_path / 'crafted.pth'
    torch.save(dict(state_dict={}, meta=ReachesPastHistoryBuffer()), path)
    with pytest.raises(CheckpointError, match='corrupt|refused'):
        read_checkpoint(str(path))


@pytest.mark.parametrize('content, message', [
    (b'', r'empty.pth \(load_from\) is empty \(0 bytes\)'),
    (None, r'truncated.pth \(load_from\) is truncated or corrupt'),
])
def test_empty_or_truncated_file_names_the_path(tmp_path, content, message):
    if content is None:
        full = tmp_path / 'full.pth'
        runner_like_checkpoint(full)
        content = full.read_bytes()[:-200]
        path = tmp_path / 'truncated.pth'
    else:
        path = tmp_path / 'empty.pth'
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match=message):
        read_checkpoint(str(path), option='load_from')
    with pytest.raises(CheckpointError, match='does not exist'):
        read_checkpoint(str(tmp_path / 'nowhere.pth'))


def small_model():
    return torch.nn.Sequential(torch.nn.Conv2d(3, 4, 1), torch.nn.BatchNorm2d(4),
                               torch.nn.Conv2d(4, 9, 1))


def test_strict_load_lists_missing_unexpected_and_mismatched_keys():
    model = small_model()
    state = dict(small_model().state_dict())
    state['2.weight'] = torch.zeros(21, 4, 1, 1)  # another class count
    del state['1.running_mean']
    state['head.extra'] = torch.zeros(1)
    with pytest.raises(CheckpointError) as info:
        load_weights(model, state, source='checkpoint x.pth')
    text = str(info.value)
    assert 'checkpoint x.pth does not fit the model' in text
    assert '1 missing key(s): 1.running_mean' in text
    assert '1 unexpected key(s): head.extra' in text
    assert '1 shape mismatch(es): 2.weight (21, 4, 1, 1) vs (9, 4, 1, 1)' in text
    assert '--partial-load' in text and '\n' not in text


def test_partial_load_copies_what_fits():
    model, source = small_model(), small_model()
    state = dict(source.state_dict(), **{'2.weight': torch.zeros(21, 4, 1, 1)})
    load_weights(model, state, strict=False)
    assert torch.equal(model[0].weight, source[0].weight)
    assert not torch.equal(model[2].weight, torch.zeros_like(model[2].weight))


def test_strict_load_accepts_dsbn_fan_out_of_plain_bn_keys():
    """DSBN models load plain checkpoints through their own load hook: no false alarm."""
    from mmnoisy.models.layers import DSBN
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 1), DSBN(4))
    plain = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 1), torch.nn.BatchNorm2d(4))
    plain[1].running_mean.fill_(2.0)
    load_weights(model, weights_of(dict(state_dict=plain.state_dict())))
    assert torch.equal(model[1].main.running_mean, torch.full((4, ), 2.0))
    assert torch.equal(model[1].aux.running_mean, torch.full((4, ), 2.0))


def test_weights_of_strips_the_ddp_prefix():
    state = weights_of(dict(state_dict={'module.a': 1, 'b': 2}))
    assert state == {'a': 1, 'b': 2}


@pytest.mark.parametrize('label_set, refused', [
    ('adele_labels/epoch_3', False), ('/elsewhere/adele_labels/epoch_3', True),
    ('../other_run/adele_labels/epoch_3', True)])
def test_adele_resume_refuses_a_label_set_outside_the_work_dir(label_set, refused):
    from types import SimpleNamespace

    from mmnoisy.engine.hooks import AdaptiveLabelCorrectionHook
    hook = AdaptiveLabelCorrectionHook(plot=False)
    state = dict(hook.state_dict(), label_set=label_set, corrected=['a.png'])
    runner = SimpleNamespace(_resume=True, work_dir='/runs/this')
    if refused:
        with pytest.raises(CheckpointError, match='ADELE label set .* outside'):
            hook.after_load_checkpoint(runner, dict(adele=state))
    else:
        hook.after_load_checkpoint(runner, dict(adele=state))
        assert hook.label_set == label_set and hook.corrected == ['a.png']


def tiny_model_cfg(num_classes):
    from mmengine import Config

    from conftest import REPO
    cfg = Config.fromfile(f'{REPO}/tests/data/configs/tiny_shapes.py').model.to_dict()
    cfg['decode_head']['num_classes'] = num_classes
    return cfg


def build(cfg):
    from mmengine.registry import DefaultScope

    from mmnoisy.registry import MODELS
    with DefaultScope.overwrite_default_scope('mmnoisy'):
        return MODELS.build(cfg)


def test_shape_mismatch_behind_a_key_rename_is_one_clear_error():
    """A plain 7-class checkpoint into a 9-class SemiSupervisedSegmentor: the wrapper renames
    the keys on load, so shapes can only be compared after the rename."""
    plain = build(tiny_model_cfg(7))
    semi = build(dict(type='SemiSupervisedSegmentor', segmentor=tiny_model_cfg(9)))
    with pytest.raises(CheckpointError, match=r'shape mismatch\(es\): segmentor\.decode_head'
                       r'\.classifiers\.0\.weight \(7, 64, 3, 3\) vs \(9, 64, 3, 3\)'):
        load_weights(semi, plain.state_dict())
    load_weights(semi, plain.state_dict(), strict=False)  # the backbone loads, the head not
    assert torch.equal(semi.segmentor.backbone.stem[0].weight, plain.backbone.stem[0].weight)


def fake_runner(work_dir):
    """The attributes and methods of MMNoisyRunner that pick the checkpoint to resume."""
    from types import MethodType, SimpleNamespace

    from mmengine.logging import MMLogger

    from mmnoisy.engine import MMNoisyRunner
    runner = SimpleNamespace(work_dir=str(work_dir), trust_checkpoint=False, _read_ahead={},
                             logger=MMLogger.get_current_instance())
    for name in ('_resume_candidates', '_latest_intact_checkpoint'):
        setattr(runner, name, MethodType(getattr(MMNoisyRunner, name), runner))
    return runner


def test_resume_reads_only_this_work_dirs_runner_checkpoints(tmp_path):
    work_dir = tmp_path / 'run'
    work_dir.mkdir()
    runner_like_checkpoint(work_dir / 'iter_2.pth')
    runner_like_checkpoint(work_dir / 'best_mIoU_iter_3.pth')  # no optimizer state
    marker = tmp_path / 'code_ran'
    torch.save(dict(state_dict={}, meta=RunsCode(marker)), tmp_path / 'downloaded.pth')
    os.symlink(tmp_path / 'downloaded.pth', work_dir / 'iter_9.pth')
    runner = fake_runner(work_dir)
    candidates = runner._resume_candidates()
    assert [os.path.basename(p) for p in candidates] == ['iter_9.pth', 'iter_2.pth']
    # The link leads outside the work dir: read as a foreign file, refused, never unpickled.
    assert runner._latest_intact_checkpoint().endswith('iter_2.pth')
    assert not marker.exists()
