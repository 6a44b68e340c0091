"""tools/pseudo_label.py: a ratio outside (0, 1] is refused before the model is built, and a
class the model never predicts is named (log and report.md) instead of silently getting no
pseudo labels."""
import json

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from conftest import SEMI_CONFIG, run_tool, semi_options
from mmnoisy.registry import MODELS

NEVER_PREDICTED = ('star', 'bar')  # classes 7 and 8 of the shapes data


def test_ratio_out_of_range_is_refused_before_the_model(tmp_path, shapes_root):
    # The checkpoint does not exist: the ratio check must come first.
    proc = run_tool('tools/pseudo_label.py', SEMI_CONFIG, str(tmp_path / 'absent.pth'),
                    '--ratio', '1.5', '--out', str(tmp_path / 'out'),
                    *semi_options(shapes_root), check=False)
    assert proc.returncode == 2 and 'Traceback' not in proc.stderr, proc.stderr[-3000:]
    lines = [line for line in proc.stderr.splitlines() if line.startswith('error:')]
    assert len(lines) == 1 and '--ratio must be in (0, 1]' in lines[0], proc.stderr[-3000:]
    assert 'got 1.5' in lines[0]
    assert not (tmp_path / 'out').exists()


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
