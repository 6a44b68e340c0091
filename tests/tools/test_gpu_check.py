"""tools/benchmark/gpu_check.py on CPU: log parsing, the summary, the plan against the real
configs, the no-CUDA error, and one family end to end with --device cpu."""
import argparse
import copy
import importlib.util
import json
import os.path as osp

import pytest

from conftest import REPO, run_tool_main

SCRIPT = 'tools/benchmark/gpu_check.py'


def _load_tool():
    spec = importlib.util.spec_from_file_location('gpu_check', osp.join(REPO, SCRIPT))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gpu_check = _load_tool()

# mmengine's log lines on CUDA (the memory field is the peak since the previous line).
CUDA_LOG = """\
12/02 19:52:35 - mmengine - INFO - Iter(train) [ 10/300]  lr: 4.6840e-02  eta: 0:06:12  time: 0.5572  data_time: 0.0142  memory: 1234  loss: 2.2379  decode.loss_ce: 2.2379  decode.acc_seg: 9.5942
12/02 19:52:36 - mmengine - INFO - Iter(train) [ 20/300]  lr: 4.5001e-02  eta: 0:00:08  time: 0.0301  data_time: 0.9000  memory: 1301  loss: 1.0265
12/02 19:52:37 - mmengine - INFO - Iter(val) [10/40]    eta: 0:00:01  time: 0.0100  data_time: 0.0030  memory: 2048
12/02 19:52:38 - mmengine - INFO - Iter(train) [300/300]  lr: 1.0000e-04  eta: 0:00:00  time: 0.0299  data_time: 0.0050  memory: 1290  loss: 0.9633
12/02 19:52:38 - mmengine - INFO - Saving checkpoint at 300 iterations
"""
CPU_LOG = """\
12/02 19:52:35 - mmengine - INFO - Iter(train) [ 1/10]  lr: 5.0000e-02  eta: 0:00:00  time: 0.0943  data_time: 0.0113  loss: 2.2379  sup_loss_dst: 2.2379
12/02 19:52:35 - mmengine - INFO - Iter(train) [ 2/10]  lr: 3.4743e-02  eta: 0:00:01  time: 0.1643  data_time: 0.1332  loss: 0.8736  sup_loss_dst: 0.8736
"""


def test_parse_train_log_on_cuda():
    parsed = gpu_check.parse_train_log(CUDA_LOG)
    assert parsed['iterations'] == 300 and parsed['last_iter'] == 300
    # the train lines' `time:` only: not data_time, not the val line
    assert parsed['median_step_s'] == pytest.approx(0.0301)
    assert parsed['step_samples'] == 3
    assert parsed['peak_memory_mb'] == 2048  # the val pass peaked


def test_parse_train_log_on_cpu_has_no_memory():
    parsed = gpu_check.parse_train_log(CPU_LOG)
    assert parsed == dict(iterations=10, last_iter=2, median_step_s=pytest.approx(0.1293),
                          step_samples=2, peak_memory_mb=None)
    assert gpu_check.parse_train_log('no log here')['median_step_s'] is None


def test_last_error_line():
    traceback = ('Iter(train) [ 2/10] ...\nTraceback (most recent call last):\n  File "x.py"\n'
                 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\n'
                 '[rank0]: some cleanup\n'
                 'torch.distributed.elastic.multiprocessing.errors.ChildFailedError: \n'
                 '=====\n')
    assert gpu_check.last_error_line(traceback).startswith('torch.OutOfMemoryError: CUDA out')
    assert gpu_check.last_error_line('a\nerror: config x does not exist\n') == \
        'error: config x does not exist'
    assert gpu_check.last_error_line('killed\n\n') == 'killed'


def _row(name, status='pass', **values):
    row = dict(name=name, family=name.upper(), config=f'configs/x/{name}.py', status=status,
               returncode=0, error=None, wall_s=12.34, log=f'/out/logs/{name}.log',
               command='python ...', iterations=300, last_iter=300, median_step_s=0.03125,
               step_samples=30, peak_memory_mb=812)
    return dict(row, **values)


def test_summary_from_fake_results(tmp_path):
    results = [_row('a'), _row('b', status='fail', error='torch.OutOfMemoryError: CUDA',
                               returncode=1, median_step_s=None, peak_memory_mb=None,
                               iterations=None)]
    header = dict(device='cuda', device_name='NVIDIA H200', torch='2.13.0', amp=True,
                  iters=300, num_train=400, budget_s=480, total_wall_s=500.2)
    markdown = gpu_check.write_summary(str(tmp_path), header, results)
    lines = markdown.splitlines()
    assert lines[0] == ('GPU check on NVIDIA H200 (cuda, torch 2.13.0, AMP on), --iters 300: '
                        '1/2 passed in 500 s (OVER the 480 s budget)')
    assert lines[2].startswith('| family | config | pass/fail | iterations | median step (s) '
                               '| peak memory (MB) | wall (s) |')
    assert lines[4] == '| A | `x/a.py` | pass | 300 | 0.0312 | 812 | 12.3 |'
    assert lines[5] == '| B | `x/b.py` | fail | - | - | - | 12.3 |'
    assert lines[-1] == '- b: torch.OutOfMemoryError: CUDA (log: /out/logs/b.log)'
    assert (tmp_path / 'summary.md').read_text() == markdown
    saved = json.loads((tmp_path / 'summary.json').read_text())
    assert saved['device_name'] == 'NVIDIA H200' and saved['runs'] == results


def test_a_student_whose_teacher_failed_is_not_started(tmp_path, monkeypatch):
    names = gpu_check.select_runs(['self_training_student'])
    assert names == ['self_training_teacher', 'self_training_student']
    runs = gpu_check.plan_runs(names, str(tmp_path), 300, 400, cpu=False)
    started = []

    def fake_run(command, log, env, timeout):
        started.append(command)
        return dict(returncode=1, wall_s=3.0, text='Traceback\nValueError: bad value\n')

    monkeypatch.setattr(gpu_check, 'run_logged', fake_run)
    results = gpu_check.execute(runs, amp=True, env={}, out=str(tmp_path), timeout=60)
    assert len(started) == 1 and '--amp' in started[0]
    assert [r['status'] for r in results] == ['fail', 'fail']
    assert results[0]['error'] == 'ValueError: bad value'
    assert results[1]['error'] == ('not started: its teacher run self_training_teacher '
                                   'failed')


def test_a_run_that_stops_early_or_is_not_distributed_fails(tmp_path):
    (ddp, ) = gpu_check.plan_runs(['ddp'], str(tmp_path), 300, 400, cpu=False)
    command = gpu_check.train_command(ddp, amp=True, port=29555)
    assert command[1:7] == ['-m', 'torch.distributed.run', '--nproc_per_node', '1',
                            '--master_port', '29555']
    assert command[command.index('--launcher') + 1] == 'pytorch'
    stopped = dict(returncode=0, wall_s=1.0, text=CPU_LOG)
    result = gpu_check.result_of(ddp, command, stopped, 'log', 60)
    assert result['error'] == 'no log line of its last train iteration (2)'
    done = dict(returncode=0, wall_s=1.0, text=CUDA_LOG)
    assert gpu_check.result_of(ddp, command, done, 'log', 60)['error'] == \
        'the run was not distributed'
    done['text'] += 'Distributed training: True\n'
    assert gpu_check.result_of(ddp, command, done, 'log', 60)['status'] == 'pass'
    timed_out = dict(returncode=None, wall_s=60.0, text='')
    assert gpu_check.result_of(ddp, command, timed_out, 'log', 60)['error'] == \
        'timed out after 60 s'


def _merged(cfg, options):
    from mmengine.config import DictAction
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    cfg = copy.deepcopy(cfg)
    cfg.merge_from_dict(parser.parse_args(['--cfg-options', *options]).cfg_options)
    return cfg


def _total_iters(cfg, per_epoch):
    loop = cfg.train_cfg
    if loop.type == 'SelfTrainingLoop':
        return loop.sup_iters + loop.round_iters * len(loop.ratios)
    if loop.type == 'IterBasedTrainLoop':
        return loop.max_iters
    return loop.max_epochs * per_epoch


@pytest.mark.parametrize('name', list(gpu_check.FAMILIES))
def test_the_plan_fits_each_config(name, tmp_path):
    """The options name keys the configs have: the schedule adds up to --iters, every
    scheduler has begin < end even at 2 iterations."""
    from mmengine.config import Config
    family = gpu_check.FAMILIES[name]
    cfg = Config.fromfile(osp.join(REPO, family.config))
    for iters in (2, 300):
        (run, ) = gpu_check.plan_runs([name], str(tmp_path), iters, 400, cpu=True)
        merged = _merged(cfg, run.options)
        _, per_epoch = gpu_check.adele_schedule(iters, 400)
        total = _total_iters(merged, per_epoch)
        assert total == iters or (iters == 2 and family.kind == 'semi'), (iters, total)
        for scheduler in merged.param_scheduler:
            assert scheduler.get('begin', 0) < scheduler.get('end', float('inf')), scheduler
        assert merged.log_processor.window_size == 1
        assert merged.default_hooks.logger.interval == gpu_check.log_interval(iters)
    if family.kind == 'semi':
        assert len(merged.train_cfg.ratios) == family.rounds
        assert merged.semi_data.num_workers == 0
    if family.kind == 'adele':
        assert merged.train_dataloader.dataset.dataset.ann_file == \
            str(tmp_path / 'data' / 'adele_train.txt')
        assert merged.train_cfg.max_epochs >= 2
    if family.needs:
        teacher = str(tmp_path / 'runs' / family.needs / 'iter_300.pth')
        assert merged.train_cfg.teacher.checkpoint == teacher and merged.load_from == teacher
    if name == 'ssvt_tuned':
        assert merged.model.backbone.frozen is False


def test_without_cuda_it_says_it_needs_a_gpu(tmp_path, capsys, monkeypatch):
    import torch
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    code, out, err = run_tool_main(SCRIPT, '--out', tmp_path / 'out', capsys=capsys,
                                   monkeypatch=monkeypatch)
    assert code == 2
    assert err.strip().splitlines() == [err.strip()]
    assert err.startswith('error: the GPU check needs a CUDA GPU') and '--device cpu' in err
    assert not (tmp_path / 'out').exists()


@pytest.mark.slow
def test_one_family_on_cpu_through_the_real_tools(tmp_path, capsys, monkeypatch):
    """The orchestration in this process; data generation and training through the real
    tools (two iterations of the demo config, about 25 s on 2 cores)."""
    out = tmp_path / 'check'
    monkeypatch.setenv('OMP_NUM_THREADS', '1')
    code, stdout, _ = run_tool_main(SCRIPT, '--device', 'cpu', '--iters', '2', '--only',
                                    'supervised', '--num-train', '20', '--num-val', '2',
                                    '--out', out, capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0, stdout
    summary = json.loads((out / 'summary.json').read_text())
    assert summary['device'] == 'cpu' and summary['amp'] is False
    (run, ) = summary['runs']
    assert run['status'] == 'pass' and run['error'] is None
    assert run['iterations'] == 2 and run['step_samples'] == 2
    assert run['median_step_s'] > 0 and run['peak_memory_mb'] is None
    assert '--amp' not in run['command']
    assert osp.isfile(out / 'runs' / 'supervised' / 'iter_2.pth')
    table_row = ('| supervised (demo) | `demo/deeplabv2_r18-d8_1xb8-1.2k_shapes-112x112.py` | '
                 'pass | 2 |')
    assert table_row in stdout
    assert (out / 'summary.md').read_text() in stdout
    assert json.loads((out / 'summary.json').read_text())['total_wall_s'] > run['wall_s']
