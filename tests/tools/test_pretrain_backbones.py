"""tools/pretrain_backbones.py end to end on a tiny corpus, the checkpoints through the
loading paths real checkpoints use (``init_cfg``, ``load_from``), the cache, and the checks a
benchmark runs first.

One run of the tool (both models, 3 iterations, subprocess: the command line as users type
it) makes the checkpoints; the other tool calls run in this process and train nothing.
"""
import json
import os
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from conftest import REPO, run_tool, run_tool_main
from mmnoisy.apis.pretrained import (RECIPES, check_pretrained, checkpoint_path,
                                     expected_meta, pretrain_config)
from mmnoisy.engine import MMNoisyRunner
from mmnoisy.engine.checkpoint import read_checkpoint
from mmnoisy.registry import MODELS
from mmnoisy.utils.errors import CheckpointError, UserError

TOOL = 'tools/pretrain_backbones.py'
MODEL_BASES = dict(r18=['configs/_base_/models/deeplabv2_r18-d8_pretrained-shapes.py'],
                   vit=['configs/_base_/models/dinov2-tiny_bn-linear_pretrained-shapes.py',
                        'configs/_base_/models/dinov2-tiny_dpt_pretrained-shapes.py'])


def tool_args(root, probe_root, iters=3):
    return ['--iters', str(iters), '--num-train', '8', '--num-val', '4', '--probe-iters', '2',
            '--out-dir', f'{root}/ckpt', '--corpus-root', f'{root}/corpus',
            '--probe-root', probe_root, '--work-dir', f'{root}/work', '--workers', '0',
            '--cfg-options', 'train_dataloader.batch_size=2']


@pytest.fixture(scope='module')
def pretrained(tmp_path_factory, shapes_root):
    """The folder of a finished ``--model all`` run (read only)."""
    root = str(tmp_path_factory.mktemp('pretrained'))
    proc = run_tool(TOOL, '--model', 'all', *tool_args(root, shapes_root))
    assert 'r18: wrote' in proc.stdout and 'vit: wrote' in proc.stdout
    return root


def build_model(base, checkpoint, **backbone):
    cfg = Config.fromfile(osp.join(REPO, base))
    cfg.model.backbone.update(backbone)
    if checkpoint is not None:
        cfg.model.backbone.init_cfg.checkpoint = checkpoint
    else:
        cfg.model.backbone.init_cfg = None
    init_default_scope('mmnoisy')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model


@pytest.mark.slow
@pytest.mark.parametrize('model', ['r18', 'vit'])
def test_checkpoint_loads_strictly_through_init_cfg(pretrained, model):
    path = checkpoint_path(model, f'{pretrained}/ckpt')
    checkpoint = read_checkpoint(path)  # plain types only: the weights-only unpickler
    weights, meta = checkpoint['state_dict'], checkpoint['meta']
    assert meta['weights'] == 'backbone' and meta['model'] == model and meta['iters'] == 3
    assert meta['corpus']['corpus'] == 'pretrain' and meta['corpus']['num_train'] == 8
    assert set(meta['probe']['pretrained']) == {'mIoU', 'mAcc', 'aAcc'}
    for base in MODEL_BASES[model]:
        loaded = build_model(base, path).backbone.state_dict()
        random = build_model(base, None).backbone.state_dict()
        assert set(loaded) == set(weights)  # every key of the backbone, and nothing else
        assert all(torch.equal(loaded[key], weights[key]) for key in weights)
        changed = [key for key in weights if not torch.equal(loaded[key], random[key])]
        assert len(changed) > len(weights) / 2, changed
    # the loss curve and its picture, from the run's scalars
    stem = osp.join(pretrained, 'ckpt', RECIPES[model].name)
    report = json.load(open(f'{stem}.json'))
    assert report['loss_curve']['iter'] == [1, 2, 3] and report['hash'] == meta['hash']
    assert osp.getsize(f'{stem}_loss.png') > 1000


@pytest.mark.slow
def test_load_from_fills_the_backbone_exactly(pretrained):
    path = checkpoint_path('r18', f'{pretrained}/ckpt')
    weights = read_checkpoint(path)['state_dict']
    cfg = Config.fromfile(f'{REPO}/configs/demo/deeplabv2_r18-d8_1xb8-1.2k_shapes-112x112.py')
    cfg.work_dir = osp.join(pretrained, 'load_from')
    cfg.visualizer.name = 'test_load_from'
    runner = MMNoisyRunner.from_cfg(cfg)
    head = {k: v.clone() for k, v in runner.model.decode_head.state_dict().items()}
    runner.load_checkpoint(path)
    backbone = runner.model.backbone.state_dict()
    assert all(torch.equal(backbone[key], weights[key]) for key in weights)
    assert all(torch.equal(v, runner.model.decode_head.state_dict()[k]) for k, v in head.items())
    # A backbone of another width is refused, naming the mismatches.
    cfg.model.backbone.update(stem_channels=8, base_channels=8)
    cfg.model.decode_head.in_channels = 64
    cfg.visualizer.name = 'test_load_from_narrow'
    narrow = MMNoisyRunner.from_cfg(cfg)
    with pytest.raises(CheckpointError, match='shape mismatch'):
        narrow.load_checkpoint(path)


@pytest.mark.slow
def test_same_settings_reuse_the_checkpoint_other_settings_are_refused(
        pretrained, shapes_root, capsys, monkeypatch, tmp_path):
    path = checkpoint_path('r18', f'{pretrained}/ckpt')
    stamp = os.path.getmtime(path)
    code, out, _ = run_tool_main(TOOL, '--model', 'r18', *tool_args(pretrained, shapes_root),
                                 capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0 and 'reusing' in out and os.path.getmtime(path) == stamp
    code, _, err = run_tool_main(TOOL, '--model', 'r18',
                                 *tool_args(pretrained, shapes_root, iters=4),
                                 capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2 and os.path.getmtime(path) == stamp
    (line, ) = [line for line in err.splitlines() if line.startswith('error:')]
    assert "iters 3 (file) vs 4 (now)" in line and '--overwrite' in line


@pytest.mark.slow
def test_check_refuses_a_checkpoint_of_other_settings(pretrained, capsys, monkeypatch):
    code, _, err = run_tool_main(TOOL, '--model', 'r18', '--check', '--out-dir',
                                 f'{pretrained}/ckpt', capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2
    (line, ) = [line for line in err.splitlines() if line.startswith('error:')]
    assert 'corpus.num_train 8 (file) vs 4000 (expected)' in line
    assert 'iters 3 (file) vs 4000 (expected)' in line
    assert '`python tools/pretrain_backbones.py --model r18 --overwrite`' in line
    # The same file passes when it is what the caller expects.
    path = checkpoint_path('vit', f'{pretrained}/ckpt')
    meta = read_checkpoint(path)['meta']
    expected = dict(expected_meta('vit'), corpus=meta['corpus'], iters=3,
                    options=meta['options'])
    assert check_pretrained(path, expected)['hash'] == meta['hash']


def test_check_names_the_command_that_makes_a_missing_checkpoint(tmp_path, capsys,
                                                                 monkeypatch):
    code, _, err = run_tool_main(TOOL, '--model', 'vit', '--check', '--out-dir', tmp_path,
                                 capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2
    (line, ) = [line for line in err.splitlines() if line.startswith('error:')]
    assert 'dinov2-tiny_pretrain-shapes.pth does not exist' in line
    assert '`python tools/pretrain_backbones.py --model vit`' in line


def test_a_file_the_tool_did_not_write_is_never_replaced(tmp_path):
    path = checkpoint_path('r18', str(tmp_path))
    os.makedirs(tmp_path, exist_ok=True)
    torch.save(dict(state_dict={'weight': torch.ones(1)}), path)
    with pytest.raises(UserError, match='not a pretrained backbone written by'):
        check_pretrained(path, expected_meta('r18'))


def test_iterations_scale_the_schedule():
    cfg = pretrain_config('r18', iters=8)
    warmup, poly = cfg.param_scheduler
    assert (warmup.begin, warmup.end, poly.begin, poly.end) == (0, 1, 1, 8)
    assert cfg.train_cfg.max_iters == cfg.train_cfg.val_interval == 8
    assert cfg.default_hooks.checkpoint.interval == 8 and cfg.default_hooks.logger.interval == 1


def test_load_from_a_backbone_checkpoint_fills_student_and_ema_teacher(tmp_path, shapes_root):
    from mmnoisy.engine.checkpoint import save_backbone_checkpoint
    cfg = Config.fromfile(f'{REPO}/tests/data/configs/tiny_unimatch_v2.py')
    cfg.semi_data.dataset.data_root = shapes_root
    cfg.work_dir = str(tmp_path / 'work')
    cfg.visualizer.name = 'test_load_from_unimatch_v2'
    runner = MMNoisyRunner.from_cfg(cfg)
    weights = {k: v + 1 if v.is_floating_point() else v
               for k, v in runner.model.segmentor.backbone.state_dict().items()}
    path = str(tmp_path / 'backbone.pth')
    save_backbone_checkpoint(path, weights, dict(model='vit'))
    head = {k: v.clone() for k, v in runner.model.segmentor.decode_head.state_dict().items()}
    runner.load_checkpoint(path)
    for model in (runner.model.segmentor, runner.model.ema):
        loaded = model.backbone.state_dict()
        assert all(torch.equal(loaded[key], weights[key]) for key in weights)
    assert all(torch.equal(head[k], v)
               for k, v in runner.model.segmentor.decode_head.state_dict().items())


def test_an_out_dir_that_is_a_file_is_refused_before_anything_runs(tmp_path, capsys,
                                                                    monkeypatch):
    target = tmp_path / 'notes.txt'
    target.write_text('mine')
    monkeypatch.chdir(REPO)
    code, out, err = run_tool_main(TOOL, '--model', 'vit', '--out-dir', target,
                                   '--work-dir', tmp_path / 'work', capsys=capsys,
                                   monkeypatch=monkeypatch)
    assert code == 2 and 'is a file, not a folder' in err and 'Traceback' not in err
    assert target.read_text() == 'mine' and not (tmp_path / 'work').exists()
