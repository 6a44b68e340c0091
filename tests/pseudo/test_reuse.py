"""ReusedPseudoLabels: a pass that copies an earlier pass's labels of the same teacher."""
import json
import os
import shutil
from glob import glob

import numpy as np
import pytest
from PIL import Image

from mmnoisy.pseudo import PseudoLabeler, ReusedPseudoLabels
from mmnoisy.utils.errors import ConfigError

SETTINGS = dict(rule='ratio', scales=(1.0, 0.75), flip=True, num_overlays=1)


@pytest.fixture(scope='module')
def labelled(semi_setup, tmp_path_factory):
    """An earlier pass's folder (ratio 0.5) with the model and loader that made it (one
    pass for the module: tests must not change it)."""
    model, loader = semi_setup
    source = str(tmp_path_factory.mktemp('st') / 'round_1' / 'pseudo')
    PseudoLabeler(**SETTINGS).run(model, loader, source, ratio=0.5)
    return model, loader, source


def read_labels(folder):
    return {os.path.basename(p): np.asarray(Image.open(p)) for p in glob(f'{folder}/*.png')}


def test_copies_the_labels_and_report_without_running_the_model(labelled, tmp_path, logged):
    model, loader, source = labelled

    class Unusable:  # the copy must not run the teacher
        def __getattr__(self, name):
            raise AssertionError(f'the model was used ({name})')

    out = str(tmp_path / 'sda' / 'round_1' / 'pseudo')
    summary = ReusedPseudoLabels(source_dir=source, **SETTINGS).run(Unusable(), loader, out,
                                                                    ratio=0.5)
    copied, original = read_labels(out), read_labels(source)
    assert len(copied) == 30 and copied.keys() == original.keys()
    assert all(np.array_equal(copied[name], original[name]) for name in original)
    report = json.load(open(f'{out}/report.json'))
    assert report == json.load(open(f'{source}/report.json')) == summary
    assert report['labeller']['scales'] == [1.0, 0.75] and report['ratio'] == 0.5
    assert os.path.isfile(f'{out}/report.md') and glob(f'{out}/overlays/*.png')
    assert not os.path.exists(out + '.partial')
    assert any('copied 30 labels from' in message for _, message in logged)


@pytest.mark.parametrize('change, message', [
    (dict(ratio=0.8), "ratio 0.5 there, 0.8 here"),
    (dict(settings=dict(flip=False)), "flip True there, False here"),
])
def test_refuses_labels_made_otherwise(labelled, tmp_path, change, message):
    _, loader, source = labelled
    settings = dict(SETTINGS, **change.get('settings', {}))
    out = str(tmp_path / 'other')
    with pytest.raises(ConfigError, match=message):
        ReusedPseudoLabels(source_dir=source, **settings).run(
            None, loader, out, ratio=change.get('ratio', 0.5))
    assert not os.path.exists(out) and not os.path.exists(out + '.partial')


def test_refuses_labels_made_with_a_confidence_threshold(labelled, tmp_path):
    """A threshold pass (tools/pseudo_label.py --threshold) records no ratio: its labels
    must still not pass for a ratio-less pass's."""
    model, loader, _ = labelled
    source = str(tmp_path / 'fixed')
    PseudoLabeler(**SETTINGS).run(model, loader, source, threshold=0.1)
    with pytest.raises(ConfigError, match='threshold 0.1 there, None here'):
        ReusedPseudoLabels(source_dir=source, **SETTINGS).run(None, loader,
                                                              str(tmp_path / 'out'))


def test_refuses_a_folder_without_report_or_with_other_images(labelled, tmp_path):
    _, loader, source = labelled
    with pytest.raises(ConfigError, match='no report.json'):
        ReusedPseudoLabels(source_dir=str(tmp_path), **SETTINGS).run(
            None, loader, str(tmp_path / 'a'), ratio=0.5)
    source = shutil.copytree(source, str(tmp_path / 'fewer'))
    first = sorted(glob(f'{source}/*.png'))[0]
    os.remove(first)  # the same number of images, one of them not labelled there
    with pytest.raises(ConfigError, match=r'1 of the 30 images have no label .*'
                       + os.path.basename(first)):
        ReusedPseudoLabels(source_dir=source, **SETTINGS).run(
            None, loader, str(tmp_path / 'b'), ratio=0.5)


def test_train_refuses_labels_of_another_pass_in_one_line(labelled, shapes_root, tmp_path):
    """Through tools/train.py: a round told to copy labels made with other views stops
    with one error line before it trains, and writes no labels."""
    import torch
    from conftest import SEMI_CONFIG, run_tool, semi_options
    model, _, source = labelled  # two scales and flip
    teacher = tmp_path / 'teacher.pth'
    torch.save(dict(state_dict=model.state_dict()), teacher)
    work_dir = tmp_path / 'rung'
    proc = run_tool('tools/train.py', SEMI_CONFIG, '--work-dir', str(work_dir),
                    *semi_options(shapes_root, f'load_from={teacher}', 'train_cfg.sup_iters=0',
                                  'train_cfg.ratios=[0.5]',
                                  'train_cfg.pseudo_labeler.type=ReusedPseudoLabels',
                                  f'train_cfg.pseudo_labeler.source_dir={source}'), check=False)
    errors = [line for line in proc.stderr.splitlines() if line.startswith('error:')]
    assert proc.returncode == 2 and len(errors) == 1, proc.stderr[-3000:]
    assert 'scales [1.0, 0.75] there, [1.0] here' in errors[0]
    assert 'flip True there, False here' in errors[0] and 'Traceback' not in proc.stderr
    assert not list(work_dir.glob('round_1/pseudo*'))
