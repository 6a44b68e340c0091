"""tools/pseudo_label.py: a ratio outside (0, 1] or a bad confidence threshold is refused
before the model is built, and a class the model never predicts is named (log and report.md)
instead of silently getting no pseudo labels."""
import json

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from conftest import SEMI_CONFIG, run_tool, semi_options
from mmnoisy.registry import MODELS

NEVER_PREDICTED = ('star', 'bar')  # classes 7 and 8 of the shapes data


@pytest.mark.parametrize('args, message', [
    (('--ratio', '1.5'), '--ratio must be in (0, 1]'),
    (('--threshold', '1.5'), 'the confidence threshold must be in [0, 1), got 1.5'),
    (('--threshold', '0.9', '--ratio', '0.5'), 'give a ratio (0.5) or a confidence threshold'),
])
def test_bad_ratio_or_threshold_is_refused_before_the_model(tmp_path, shapes_root, args,
                                                           message):
    # The checkpoint does not exist: the checks must come first.
    proc = run_tool('tools/pseudo_label.py', SEMI_CONFIG, str(tmp_path / 'absent.pth'),
                    *args, '--out', str(tmp_path / 'out'), '--work-dir', str(tmp_path / 'w'),
                    *semi_options(shapes_root), check=False)
    assert proc.returncode == 2 and 'Traceback' not in proc.stderr, proc.stderr[-3000:]
    lines = [line for line in proc.stderr.splitlines() if line.startswith('error:')]
    assert len(lines) == 1 and message in lines[0], proc.stderr[-3000:]
    assert not (tmp_path / 'out').exists() and not (tmp_path / 'w').exists()


def blind_teacher(path):
    """A fresh model whose classifiers can never predict ``NEVER_PREDICTED``."""
    init_default_scope('mmnoisy')
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(SEMI_CONFIG).model)
    state = model.state_dict()
    for key, value in state.items():
        if key.startswith('segmentor.decode_head.classifiers.') and key.endswith('.bias'):
            value[[7, 8]] = -1e4
    torch.save(dict(state_dict=state, meta=dict()), path)


def test_classes_without_threshold_are_named(tmp_path, shapes_root):
    blind_teacher(tmp_path / 'teacher.pth')
    out = tmp_path / 'pseudo'
    proc = run_tool('tools/pseudo_label.py', SEMI_CONFIG, str(tmp_path / 'teacher.pth'),
                    '--ratio', '0.5', '--out', str(out), '--work-dir', str(tmp_path / 'work'),
                    *semi_options(shapes_root))
    output = proc.stdout + proc.stderr
    warning = [line for line in output.splitlines()
               if 'WARNING' in line and 'no threshold for' in line]
    assert len(warning) == 1, output[-3000:]
    assert 'star, bar' in warning[0] and 'never occurs in the labelled set' in warning[0]
    report = json.loads((out / 'report.json').read_text())
    assert set(NEVER_PREDICTED) <= set(report['classes_without_threshold'])
    markdown = (out / 'report.md').read_text()
    assert 'Warning: no threshold for' in markdown and 'star, bar' in markdown
    assert 'get no pseudo labels' in markdown


ONLINE_CONFIG = 'tests/data/configs/tiny_unimatch.py'


def test_an_online_config_labels_with_its_threshold_rule_only(tmp_path, shapes_root):
    """A UniMatch config has no labeller: with --threshold the tool shows what its
    unlabelled loss would learn from a checkpoint; without, one line says what to pass."""
    init_default_scope('mmnoisy')
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(ONLINE_CONFIG).model)
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), tmp_path / 'model.pth')
    common = [str(tmp_path / 'model.pth'), '--work-dir', str(tmp_path / 'work')]
    proc = run_tool('tools/pseudo_label.py', ONLINE_CONFIG, *common,
                    *semi_options(shapes_root), check=False)
    lines = [line for line in proc.stderr.splitlines() if line.startswith('error:')]
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr[-3000:]
    assert 'no train_cfg.pseudo_labeler' in lines[0] and 'with --threshold' in lines[0]
    out = tmp_path / 'confident'
    run_tool('tools/pseudo_label.py', ONLINE_CONFIG, *common, '--threshold', '0',
             '--out', str(out), *semi_options(shapes_root))
    report = json.loads((out / 'report.json').read_text())
    assert report['threshold'] == 0 and report['coverage'] == 1.0  # every pixel reaches 0
    assert report['num_images'] == 30 and report['labeller']['rule'] == 'max'
