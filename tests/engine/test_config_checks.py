"""Config mistakes end before the first iteration in one ``error:`` line naming the value and
the fix (exit 2, work dir as it was); suspicious but workable values log a warning."""
import os

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from conftest import SEMI_CONFIG, TINY_CONFIG, run_tool, semi_options, tiny_options
from mmnoisy.registry import MODELS


def one_error_line(proc, *fragments):
    """Assert exit 2, no traceback and exactly one ``error:`` line holding ``fragments``."""
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert 'Traceback' not in proc.stderr, proc.stderr[-3000:]
    lines = [line for line in proc.stderr.splitlines() if line.startswith('error:')]
    assert len(lines) == 1, proc.stderr[-3000:]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def work_dir(tmp_path):
    """A work dir with a user's file in it, which a failed run must leave alone."""
    path = tmp_path / 'work'
    path.mkdir()
    (path / 'notes.txt').write_text('kept')
    return path


def assert_untouched(work_dir):
    assert os.listdir(work_dir) == ['notes.txt']


@pytest.mark.parametrize('option, fragments', [
    ('train_cfg.max_iters=0', ['train_cfg.max_iters must be > 0, got 0']),
    ('train_cfg.max_iter=5', ['train_cfg.max_iter (did you mean max_iters?)',
                              'IterBasedTrainLoop accepts']),
    ('model.decode_head.num_classes=6', ['model.decode_head.num_classes=6 but the train '
                                         'dataset has 9 classes',
                                         'set model.decode_head.num_classes=9']),
], ids=['max_iters_0', 'misspelt_key', 'num_classes_too_small'])
def test_train_refuses_bad_plain_config(shapes_root, work_dir, option, fragments):
    proc = run_tool('tools/train.py', TINY_CONFIG, '--work-dir', str(work_dir),
                    *tiny_options(shapes_root, option), check=False)
    one_error_line(proc, *fragments)
    assert_untouched(work_dir)


@pytest.mark.parametrize('options, fragments', [
    (['train_cfg.round_iters=0'], ['train_cfg.round_iters must be > 0, got 0']),
    (['train_cfg.sup_iters=-1'], ['train_cfg.sup_iters must be >= 0', 'got -1']),
    (['train_cfg.round_iter=3'], ['train_cfg.round_iter (did you mean round_iters?)']),
    (['train_cfg.pseudo_labeler.pixel_strid=2'],
     ['train_cfg.pseudo_labeler.pixel_strid (did you mean pixel_stride?)']),
    (['train_cfg.ratios=[0.5,1.5]'], ['train_cfg.ratios: every ratio must be in (0, 1]']),
    (['model.segmentor.decode_head.num_classes=4'],
     ['model.segmentor.decode_head.num_classes=4 but the train dataset has 9 classes']),
    (['semi_data.source_ratio=[1,0]'],
     ['semi_data.source_ratio must be (labelled, unlabelled) images per batch', '(1, 0)']),
], ids=['round_iters_0', 'sup_iters_negative', 'misspelt_loop_key', 'misspelt_labeler_key',
        'ratio_above_1', 'num_classes_too_small', 'no_unlabelled_per_batch'])
def test_train_refuses_bad_semi_config(shapes_root, work_dir, options, fragments):
    proc = run_tool('tools/train.py', SEMI_CONFIG, '--work-dir', str(work_dir),
                    *semi_options(shapes_root, *options), check=False)
    one_error_line(proc, *fragments)
    assert_untouched(work_dir)


@pytest.fixture(scope='module')
def tiny_checkpoints(tmp_path_factory):
    """Freshly initialised tiny models with 9 and 12 classes, saved as checkpoints."""
    init_default_scope('mmnoisy')
    paths = {}
    for num_classes in (9, 12):
        cfg = Config.fromfile(TINY_CONFIG)
        cfg.model.decode_head.num_classes = num_classes
        torch.manual_seed(0)
        model = MODELS.build(cfg.model)
        paths[num_classes] = str(tmp_path_factory.mktemp('ckpt') / f'c{num_classes}.pth')
        torch.save(dict(state_dict=model.state_dict(), meta=dict()), paths[num_classes])
    return paths


def test_show_dir_that_would_paint_nothing_is_refused(shapes_root, tiny_checkpoints, tmp_path):
    # 12 test images, one per batch; the hook paints every 50th batch: none.
    proc = run_tool('tools/test.py', TINY_CONFIG, tiny_checkpoints[9], '--work-dir',
                    str(tmp_path / 'work'), '--show-dir', str(tmp_path / 'vis'),
                    *tiny_options(shapes_root, 'default_hooks.visualization.interval=50'),
                    check=False)
    one_error_line(proc, 'would paint 0 of the 12 test images',
                   'default_hooks.visualization.interval=50',
                   '--cfg-options default_hooks.visualization.interval=1')


def test_test_refuses_too_few_classes(shapes_root, tiny_checkpoints, tmp_path):
    proc = run_tool('tools/test.py', TINY_CONFIG, tiny_checkpoints[9], '--work-dir',
                    str(tmp_path / 'work'),
                    *tiny_options(shapes_root, 'model.decode_head.num_classes=5'), check=False)
    one_error_line(proc, 'model.decode_head.num_classes=5 but the test dataset has 9 classes')


def test_test_warns_about_more_classes_than_the_data(shapes_root, tiny_checkpoints, tmp_path):
    proc = run_tool('tools/test.py', TINY_CONFIG, tiny_checkpoints[12], '--work-dir',
                    str(tmp_path / 'work'),
                    *tiny_options(shapes_root, 'model.decode_head.num_classes=12'))
    output = proc.stdout + proc.stderr
    assert ('WARNING - model.decode_head.num_classes=12 but the test dataset has only 9 '
            'classes' in output), output[-3000:]
    assert 'set model.decode_head.num_classes=9' in output
