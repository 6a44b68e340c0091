"""tools/benchmark/adele_label_quality.py: a run's corrected labels scored against clean
labels, pass by pass (checked against hand-counted pixels), and its refusals."""
import json

import numpy as np

from conftest import run_tool_main
from mmnoisy.datasets.label_io import write_label

TOOL = 'tools/benchmark/adele_label_quality.py'


def write(folder, label):
    write_label(str(folder / 'a.png'), np.array(label, np.uint8))


def test_scores_each_pass_against_clean_labels(tmp_path, capsys, monkeypatch):
    data, run = tmp_path / 'data', tmp_path / 'run'
    write(data / 'SegmentationClass', [[1, 1, 255], [0, 0, 0]])
    write(data / 'SegmentationClassNoisy_wrong_class', [[2, 1, 3], [0, 0, 0]])  # 1 wrong
    # after epoch 3: the wrong pixel fixed, a right one broken, an ignored one not counted
    write(run / 'adele_labels' / 'epoch_3', [[1, 1, 0], [0, 0, 2]])
    write(run / 'adele_labels' / 'epoch_10', [[2, 1, 3], [0, 0, 0]])  # back to the noisy
    code, out, err = run_tool_main(TOOL, run, '--data-root', data, '--tier', 'wrong_class',
                                   '--out', tmp_path / 'quality', capsys=capsys,
                                   monkeypatch=monkeypatch)
    assert code == 0, err
    rows = [line for line in out.splitlines() if line.startswith('| 3') or
            line.startswith('| 10')]
    assert rows == ['| 3 | 1/1 | 2 | 50.0 | 100.0 | +0.0 |',
                    '| 10 | 0/1 | 0 | 0.0 | 0.0 | +0.0 |']
    saved = json.loads((tmp_path / 'quality.json').read_text())
    assert list(saved['passes']) == ['3', '10']
    assert saved['passes']['3']['fixed'] == saved['passes']['3']['broken'] == 1


def test_refuses_a_run_without_corrected_labels(tmp_path, capsys, monkeypatch):
    code, out, err = run_tool_main(TOOL, tmp_path, '--data-root', tmp_path, capsys=capsys,
                                   monkeypatch=monkeypatch)
    errors = [line for line in err.splitlines() if line.startswith('error:')]
    assert code == 2 and len(errors) == 1 and 'Traceback' not in err
    assert 'SegmentationClass does not exist' in errors[0]
    (tmp_path / 'SegmentationClass').mkdir()
    (tmp_path / 'SegmentationClassNoisy_moderate').mkdir()
    code, out, err = run_tool_main(TOOL, tmp_path, '--data-root', tmp_path, capsys=capsys,
                                   monkeypatch=monkeypatch)
    assert code == 2 and 'has no adele_labels/epoch_<e> folder' in err
    # labels of images the data root does not have (another data root or tier)
    write(tmp_path / 'adele_labels' / 'epoch_1', [[0]])
    code, out, err = run_tool_main(TOOL, tmp_path, '--data-root', tmp_path, capsys=capsys,
                                   monkeypatch=monkeypatch)
    errors = [line for line in err.splitlines() if line.startswith('error:')]
    assert code == 2 and len(errors) == 1 and 'has no counterpart' in errors[0]
    assert 'Traceback' not in err
