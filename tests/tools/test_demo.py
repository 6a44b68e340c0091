"""tools/demo.py: both runs trained at once, scored on val, table, picture, resumable."""
import json
import os
import re

import numpy as np
import pytest
from PIL import Image

from conftest import REPO, SEMI_CONFIG, TINY_CONFIG, run_tool, run_tool_main, tiny_options


def tiny_demo(data_root):
    """The DST-CBC demo shrunk to the tiny test configs and the shared test data, with an
    ablation of the round in place of the longer supervised run (both start from the
    supervised model; the ablation also waits for the round's labels)."""
    from mmnoisy.apis.demo import Demo, DemoRun
    from mmnoisy.datasets import ShapesSpec

    def supervised(seed):
        return [f'randomness.seed={seed}', *tiny_options(data_root, 'train_cfg.max_iters=4')[1:]]

    def semi(seed):
        return [f'randomness.seed={seed}', f'semi_data.dataset.data_root={data_root}',
                'semi_data.labeled_split=ImageSets/Segmentation/4_labeled_0.txt',
                'semi_data.unlabeled_split=ImageSets/Segmentation/4_unlabeled_0.txt',
                'train_cfg.sup_iters=0', 'train_cfg.round_iters=2', 'train_cfg.ratios=[1.0]']

    return Demo(title='tiny', data_root=data_root,
                data_spec=ShapesSpec(num_train=40, num_val=12, seed=3),
                runs=dict(supervised=DemoRun('supervised', TINY_CONFIG, supervised, iters=4),
                          # an ablation from the same teacher: its round copies dst's labels
                          copied=DemoRun('labels copied', SEMI_CONFIG, semi, iters=2,
                                         start_from='supervised', labels_from='dst'),
                          dst=DemoRun('DST-CBC', SEMI_CONFIG, semi, iters=2,
                                      start_from='supervised')))


ITERS = dict(supervised=4, copied=2, dst=2)


def trained(work_dir, key, iters):
    """How often the run's log reports its last training iteration."""
    return (work_dir / f'{key}.log').read_text().count(f'Iter(train) [{iters}/{iters}]')


def demo_tool(work_dir, capsys, monkeypatch, *extra):
    return run_tool_main('tools/demo.py', '--method', 'tiny', '--work-dir', work_dir, *extra,
                         capsys=capsys, monkeypatch=monkeypatch)


@pytest.mark.slow
def test_demo_trains_both_scores_them_and_resumes(tmp_path, shapes_root, capsys,
                                                  monkeypatch):
    from mmnoisy.apis import demo
    monkeypatch.chdir(REPO)
    monkeypatch.setenv('PYTHONPATH', REPO)
    monkeypatch.setitem(demo.DEMOS, 'tiny', tiny_demo(shapes_root))
    monkeypatch.setattr(demo, 'POLL_S', 0.5)
    work_dir = tmp_path / 'demo'
    code, out, err = demo_tool(work_dir, capsys, monkeypatch)
    assert code in (0, None), err[-3000:]
    result = json.loads((work_dir / 'results.json').read_text())
    runs = result['runs']
    assert list(runs) == ['supervised', 'copied', 'dst']
    for key, iters in ITERS.items():
        iou = np.array(runs[key]['IoU'], dtype=float)
        assert iou.shape == (9, )
        assert runs[key]['mIoU'] == pytest.approx(np.nanmean(iou), abs=0.006)
        assert runs[key]['checkpoint'].endswith(f'iter_{iters}.pth')
        assert trained(work_dir, key, iters) == 1
    # the round and its ablation start from the supervised model
    for key in ('copied', 'dst'):
        assert f'Load checkpoint from {work_dir}/supervised/iter_4.pth' in (
            work_dir / f'{key}.log').read_text()
    # the copy waited for dst's labels and trained on exactly them
    source, copy = (work_dir / key / 'round_1' / 'pseudo' for key in ('dst', 'copied'))
    assert f'copied 30 labels from {source}' in (work_dir / 'copied.log').read_text()
    labels = sorted(p.name for p in source.glob('*.png'))
    assert len(labels) == 30 and sorted(p.name for p in copy.glob('*.png')) == labels
    assert all((source / name).read_bytes() == (copy / name).read_bytes() for name in labels)
    for key in ('supervised', 'copied'):
        assert result['differences'][key] == pytest.approx(
            runs['dst']['mIoU'] - runs[key]['mIoU'], abs=0.011)
    assert f'**{runs["supervised"]["mIoU"]:.2f}**' in out and 'wall time' in out
    assert re.search(r'demo: supervised \d/4, labels copied \d/2, DST-CBC \d/2 iterations',
                     out + err)
    picture = Image.open(work_dir / 'demo.png')
    assert picture.size[0] > 400 and picture.size[1] > 400

    # The demo's score is the score tools/test.py gives the same checkpoint.
    proc = run_tool('tools/test.py', SEMI_CONFIG, runs['dst']['checkpoint'],
                    '--work-dir', str(tmp_path / 'test'),
                    '--cfg-options', *tiny_demo(shapes_root).runs['dst'].seed_options(0))
    scores = re.findall(r'mIoU: ([0-9.]+)', proc.stdout + proc.stderr)
    assert float(scores[-1]) == pytest.approx(runs['dst']['mIoU'], abs=0.01)

    # A second call finds both runs finished: nothing is trained again.
    code, out, _ = demo_tool(work_dir, capsys, monkeypatch)
    assert code in (0, None)
    for key, iters in ITERS.items():
        assert trained(work_dir, key, iters) == 1
    assert json.loads((work_dir / 'results.json').read_text())['runs'] == runs


def test_runs_train_after_the_runs_they_need():
    from mmnoisy.apis.demo import Demo, DemoRun, _stages
    from mmnoisy.utils.errors import UserError

    def demo(**needs):
        runs = {key: DemoRun(key, 'c.py', lambda seed: [], 1, *need)
                for key, need in needs.items()}
        return Demo('t', 'data', None, runs)

    # the ladder of the Simple Baseline study: a teacher, a rung that labels, rungs that
    # copy its labels, and another round from one of them
    ladder = demo(sup=(), st=('sup', ), sda=('sup', 'st'), scl=('sup', 'st'),
                  iter=('scl', ))
    assert _stages(ladder) == [['sup'], ['st'], ['sda', 'scl'], ['iter']]
    assert _stages(demo(a=(), b=('a', ), c=())) == [['a', 'c'], ['b']]
    with pytest.raises(UserError, match='a -> b -> a need each other'):
        _stages(demo(a=('b', ), b=(None, 'a')))


def test_comparison_table_rows():
    from mmnoisy.apis.demo import comparison_table
    table = comparison_table(['bg', 'disc'], ('A', 'B', 'C'),
                             (np.array([90.0, 10.0]), np.array([91.0, 14.5]),
                              np.array([92.0, 12.0])), (65.0, 125.0, 3600.0))
    lines = table.splitlines()
    assert lines[0] == '| class | A | B | C | C - A | C - B |'
    assert lines[2] == '| bg | 90.00 | 91.00 | 92.00 | +2.00 | +1.00 |'
    assert lines[3] == '| disc | 10.00 | 14.50 | 12.00 | +2.00 | -2.50 |'
    assert lines[4] == ('| **mIoU** | **50.00** | **52.75** | **52.00** | **+2.00** | '
                        '**-0.75** |')
    assert lines[5] == '| wall time | 1:05 | 2:05 | 1:00:00 | | |'


def test_bad_seed_is_one_error_line(capsys, monkeypatch):
    code, out, err = run_tool_main('tools/demo.py', '--seed', '7', capsys=capsys,
                                   monkeypatch=monkeypatch)
    assert code == 2
    lines = [line for line in err.splitlines() if line.startswith('error:')]
    assert lines == ['error: --seed must be 0, 1 or 2 (the procedural data has three '
                     'splits), got 7']
    assert 'Traceback' not in err


@pytest.mark.parametrize('inside', ['', 'JPEGImages'])
def test_work_dir_among_the_data_is_refused(shapes_root, capsys, monkeypatch, inside):
    from mmnoisy.apis import demo
    monkeypatch.setitem(demo.DEMOS, 'tiny', tiny_demo(shapes_root))
    before = sorted(os.listdir(shapes_root))
    code, out, err = demo_tool(os.path.join(shapes_root, inside), capsys, monkeypatch)
    assert code == 2
    lines = [line for line in err.splitlines() if line.startswith('error:')]
    assert len(lines) == 1 and 'output folder' in lines[0], err[-2000:]
    assert 'Traceback' not in err
    assert sorted(os.listdir(shapes_root)) == before


def test_epoch_based_runs_report_progress_and_their_last_checkpoint(tmp_path):
    """ADELE's runs are epoch-based: progress from `Epoch(train) [e][i/n]` lines, the score
    from the last `epoch_N.pth`."""
    from mmnoisy.apis.demo import _progress_of, final_checkpoint
    log = tmp_path / 'adele.log'
    log.write_text('... Epoch(train)  [1][4/4]  lr: 1e-2\n... Epoch(train) [12][ 3/4]  lr: 1e-3\n')
    assert _progress_of(str(log)) == 11 * 4 + 3
    run = tmp_path / 'adele'
    run.mkdir()
    for name in ('epoch_9.pth', 'epoch_60.pth', 'best_mIoU_epoch_60.pth'):
        (run / name).write_bytes(b'')
    assert final_checkpoint(str(run)).endswith('/epoch_60.pth')


def test_adele_demo_prepares_noisy_labels_and_lists(shapes_root, tmp_path):
    """The ADELE demo's data: the moderate noisy labels of every train image (as
    tools/synth_noise.py writes them) and the lists of the first train / val images."""
    import shutil

    from mmnoisy.apis.demo import ADELE_TRAIN, DEMOS
    root = tmp_path / 'shapes'
    shutil.copytree(shapes_root, root)
    DEMOS['adele'].prepare(str(root))
    splits = root / 'ImageSets/Segmentation'
    train = splits.joinpath('train.txt').read_text().split()
    assert splits.joinpath('adele_train32.txt').read_text().split() == train[:ADELE_TRAIN]
    assert len(splits.joinpath('adele_val100.txt').read_text().split()) == 12  # all 12 val
    noisy = sorted(p.stem for p in (root / 'SegmentationClassNoisy_moderate').glob('*.png'))
    assert noisy == sorted(train)
    stamp = (root / 'SegmentationClassNoisy_moderate/noise_report.json').stat().st_mtime
    DEMOS['adele'].prepare(str(root))  # a second call leaves the labels as they are
    assert (root / 'SegmentationClassNoisy_moderate/noise_report.json').stat().st_mtime == stamp


def test_eta_follows_each_run_and_the_runs_still_waiting():
    from mmnoisy.apis.demo import eta_seconds
    iters = dict(supervised=700, longer=400, dst=400)
    # supervised: 100 of 700 in 50 s (0.5 s/it): 300 s left; then the two waiting runs,
    # 400 iterations each at the slowest pace seen (0.5 s/it): 200 s
    assert eta_seconds(iters, dict(supervised=100, longer=0, dst=0),
                       dict(supervised=50.0)) == pytest.approx(500.0)
    # two runs at different paces: the slower one decides (not the average of both)
    fast_slow = dict(fast=100, slow=100)
    assert eta_seconds(fast_slow, dict(fast=90, slow=10), dict(fast=9.0, slow=10.0)) == \
        pytest.approx(90.0)
    # a finished run is neither running nor waiting
    assert eta_seconds(fast_slow, dict(fast=100, slow=50), dict(slow=25.0)) == \
        pytest.approx(25.0)
    # no pace yet
    assert eta_seconds(fast_slow, dict(fast=0, slow=5), dict(fast=3.0, slow=3.0)) is None


def test_demo_trainings_import_the_mmnoisy_that_scores_them(tmp_path, monkeypatch):
    """A demo's or study's ``tools/train.py`` processes import the mmnoisy of the tool that
    launched them (this checkout), not whatever copy is installed, which can be older."""
    import subprocess
    import sys

    from mmnoisy.apis.demo import training_env
    monkeypatch.setenv('PYTHONPATH', os.pathsep.join(['/elsewhere', REPO]))
    env = training_env()
    assert env['PYTHONPATH'].split(os.pathsep) == [REPO, '/elsewhere']
    script = tmp_path / 'which.py'  # a script outside the checkout, as tools/train.py is
    script.write_text('import mmnoisy; print(mmnoisy.__file__)')
    out = subprocess.run([sys.executable, str(script)], env=env, cwd=tmp_path,
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == os.path.join(REPO, 'mmnoisy', '__init__.py')
