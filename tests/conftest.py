import os
import os.path as osp
import subprocess
import sys

if os.environ.get('PYTEST_XDIST_WORKER'):
    # One worker per core (`pytest -n 2`): numpy's BLAS, OpenCV and torch read these when
    # they load, so set them before any of them is imported (torch is pinned again below).
    for name in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS'):
        os.environ.setdefault(name, '1')

import pytest  # noqa: E402

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
# Test the checkout, not a copy installed into site-packages.
sys.path.insert(0, REPO)

import mmnoisy  # noqa: E402,F401

if os.environ.get('PYTEST_XDIST_WORKER'):
    # One worker per core (`pytest -n 2`): each computes on one thread, as the tools the
    # tests launch do (run_tool sets OMP_NUM_THREADS=1), instead of all on every core.
    import torch
    torch.set_num_threads(1)


def _visualizer_classes(cls):
    yield cls
    for sub in cls.__subclasses__():
        yield from _visualizer_classes(sub)


@pytest.fixture(autouse=True)
def fresh_visualizers():
    """mmengine keeps one visualizer per name and process: a tool run in this process (e.g.
    by ``run_tool_main``) would hand its visualizer, and the work dir it writes to, to the
    next test's runner. A real tool process builds one runner, so only tests need this."""
    yield
    from mmengine.visualization import Visualizer
    for cls in _visualizer_classes(Visualizer):
        cls._instance_dict.clear()


def run_tool(*args, env=None, timeout=600, check=True):
    """Run ``python tools/<script> ...`` from the repo root with the checkout on the path.

    A script runs in a child forked from this process, as ``__main__`` with the process
    state a fresh interpreter would have (see ``_as_fresh_process``): the child shares the
    imports already made, which saves the ~4 s of importing torch, mmengine and mmseg per
    run. ``python -m ...`` and ``MMNOISY_TEST_SUBPROCESS=1`` use a new interpreter.
    """
    full_env = dict(os.environ, PYTHONPATH=REPO, OMP_NUM_THREADS='1')
    full_env.update(env or {})
    if args[0].endswith('.py') and not os.environ.get('MMNOISY_TEST_SUBPROCESS'):
        proc = _run_forked(list(args), env or {}, timeout)
    else:
        proc = subprocess.run([sys.executable, *args], cwd=REPO, env=full_env, text=True,
                              capture_output=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f'{args} exited {proc.returncode}:\n{proc.stdout[-3000:]}\n'
                             f'{proc.stderr[-5000:]}')
    return proc


def _as_fresh_process(env):
    """In a forked child: undo what pytest and earlier tests left in this process that a
    new ``python tools/...`` would not have (output capture, recorded warnings, logging
    handlers, mmengine's current logger / message hub / scope / visualizer)."""
    import logging
    import warnings

    import torch
    from mmengine.utils import ManagerMixin

    for name, value in env.items():
        if name == 'PYTHONPATH':
            sys.path[:0] = [p for p in value.split(os.pathsep) if p not in sys.path]
        else:
            os.environ[name] = value
    torch.set_num_threads(1)  # OMP_NUM_THREADS=1, as run_tool gives a subprocess
    sys.stdout = open(1, 'w', buffering=1, closefd=False)
    sys.stderr = open(2, 'w', buffering=1, closefd=False)
    warnings.resetwarnings()
    for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning,
                     ResourceWarning):
        warnings.simplefilter('ignore', category)
    warnings.filterwarnings('default', category=DeprecationWarning, module='__main__')
    warnings.showwarning = warnings._showwarning_orig
    logging.root.handlers.clear()
    logging.root.setLevel(logging.WARNING)
    stack = [ManagerMixin]
    while stack:
        cls = stack.pop()
        cls._instance_dict.clear()
        stack.extend(cls.__subclasses__())


def _run_forked(args, env, timeout):
    """``python *args`` as a forked child: a ``CompletedProcess`` with its exit code and
    output; an uncaught exception prints its traceback and exits 1, as Python does."""
    import runpy
    import tempfile
    import time
    import traceback

    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            os.dup2(out.fileno(), 1)
            os.dup2(err.fileno(), 2)
            os.chdir(REPO)
            _as_fresh_process(env)
            sys.argv = args
            runpy.run_path(args[0], run_name='__main__')
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            if e.code is not None and not isinstance(e.code, int):
                print(e.code, file=sys.stderr)
        except BaseException:
            traceback.print_exc()
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            out.close()
            err.close()
            raise subprocess.TimeoutExpired([sys.executable, *args], timeout)
        time.sleep(0.05)

    def read(f):
        with f:
            f.seek(0)
            return f.read().decode(errors='replace')

    return subprocess.CompletedProcess([sys.executable, *args],
                                       os.waitstatus_to_exitcode(status), read(out), read(err))


@pytest.fixture(scope='session')
def shapes_root(tmp_path_factory):
    """A small procedural dataset shared by the tests (40 train + 12 val images)."""
    from mmnoisy.datasets import ShapesSpec, generate_shapes_dataset
    root = str(tmp_path_factory.mktemp('data') / 'shapes')
    generate_shapes_dataset(root, ShapesSpec(num_train=40, num_val=12, seed=3), workers=1,
                            progress=False)
    return root


TINY_CONFIG = 'tests/data/configs/tiny_shapes.py'


def tiny_options(data_root, *extra):
    """--cfg-options pointing the tiny config's three dataloaders at ``data_root``."""
    return ['--cfg-options'] + [f'{split}_dataloader.dataset.data_root={data_root}'
                                for split in ('train', 'val', 'test')] + list(extra)


@pytest.fixture(scope='session')
def tiny_run(tmp_path_factory, shapes_root):
    """The work dir of a finished 6-iteration run of the tiny config (checkpoints at 3 and
    6). Tests read it or copy it, never change it."""
    work_dir = tmp_path_factory.mktemp('tiny_run')
    run_tool('tools/train.py', TINY_CONFIG, '--work-dir', str(work_dir),
             *tiny_options(shapes_root))
    return work_dir


def run_tool_main(script, *args, capsys, monkeypatch):
    """Run ``tools/<script>`` as ``__main__`` in this process: (exit code, stdout, stderr)."""
    import runpy
    monkeypatch.setattr(sys, 'argv', [script, *map(str, args)])
    monkeypatch.delenv('LOCAL_RANK', raising=False)  # restored after the test
    code = 0
    try:
        runpy.run_path(f'{REPO}/{script}', run_name='__main__')
    except SystemExit as e:
        code = e.code
    out = capsys.readouterr()
    return code, out.out, out.err


SEMI_CONFIG = 'tests/data/configs/tiny_dst_cbc.py'


def semi_options(data_root, *extra, split='4'):
    """--cfg-options pointing a semi config's data (``semi_data``, from which every loader
    derives) at ``data_root`` and a 1/``split`` split."""
    return ['--cfg-options', f'semi_data.dataset.data_root={data_root}',
            f'semi_data.labeled_split=ImageSets/Segmentation/{split}_labeled_0.txt',
            f'semi_data.unlabeled_split=ImageSets/Segmentation/{split}_unlabeled_0.txt',
            *extra]


@pytest.fixture(scope='module')
def semi_setup(shapes_root):
    """(a random-init tiny DST-CBC model, a loader of the 1/4 split's 30 unlabelled images)"""
    import torch
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmengine.runner import Runner

    from mmnoisy.registry import MODELS
    from mmnoisy.datasets import semi_data_spec
    init_default_scope('mmnoisy')
    cfg = Config.fromfile(f'{REPO}/{SEMI_CONFIG}')
    cfg.semi_data.dataset.data_root = shapes_root
    loader_cfg = semi_data_spec(cfg).unlabeled_dataloader()
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model, Runner.build_dataloader(loader_cfg)


class RecordingVisualizer:
    """Stands in for ``runner.visualizer`` in hook tests without a runner: keeps what the
    hook sends."""

    def __init__(self):
        self.scalars, self.images = [], []  # (step, {tag: value}), (step, name, image)

    def add_scalars(self, scalar_dict, step=0, **kwargs):
        self.scalars.append((step, dict(scalar_dict)))

    def add_image(self, name, image, step=0, **kwargs):
        self.images.append((step, name, image))

    def series(self, tag):
        """[(step, value)] of one scalar tag, in the order sent."""
        return [(step, d[tag]) for step, d in self.scalars if tag in d]


def train_with_visualizer(config, work_dir, options, hooks=()):
    """Train ``config`` in this process, without validation, with mmengine's local and
    TensorBoard visualizer backends; returns the run's ``vis_data`` folder.

    Args:
        config (str): Config path relative to the repo root.
        work_dir: The run's work dir.
        options (dict): Merged into the config (as ``--cfg-options``).
        hooks: ``(hook, priority)`` pairs registered besides the config's hooks.
    """
    from glob import glob

    from mmengine.config import Config

    from mmnoisy.engine import MMNoisyRunner
    cfg = Config.fromfile(osp.join(REPO, config))
    cfg.merge_from_dict(options)
    cfg.work_dir = str(work_dir)
    cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
    # mmengine keeps one visualizer per name in a process: each run names its own.
    cfg.visualizer = dict(type='SegLocalVisualizer', name=f'visualizer_{work_dir}',
                          vis_backends=[dict(type='LocalVisBackend'),
                                        dict(type='TensorboardVisBackend')])
    runner = MMNoisyRunner.from_cfg(cfg)
    for hook, priority in hooks:
        runner.register_hook(hook, priority)
    runner.train()
    (vis_data, ) = glob(f'{work_dir}/*/vis_data')
    return vis_data


def local_scalars(vis_data):
    """{tag: [(step, value)]} from a LocalVisBackend's ``scalars.json``."""
    import json
    from collections import defaultdict
    series = defaultdict(list)
    with open(osp.join(vis_data, 'scalars.json')) as f:
        for line in f:
            record = json.loads(line)
            for tag, value in record.items():
                if tag != 'step':
                    series[tag].append((record['step'], value))
    return series


def tensorboard_events(vis_data):
    """The TensorboardVisBackend's event file(s) in ``vis_data``, read back."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    events = EventAccumulator(vis_data, size_guidance={'scalars': 0, 'images': 0})
    events.Reload()
    return events


def tensorboard_scalars(events, tag):
    """[(step, value)] of one TensorBoard scalar tag."""
    return [(e.step, e.value) for e in events.Scalars(tag)]


def logged_lrs(work_dir):
    """{iteration: learning rate} from every run's scalars.json in ``work_dir``."""
    import json
    from glob import glob
    lrs = {}
    for path in sorted(glob(f'{work_dir}/*/vis_data/scalars.json')):
        for line in open(path):
            record = json.loads(line)
            if 'lr' in record:
                lrs[record['iter']] = record['lr']
    return lrs


@pytest.fixture
def logged():
    """(level name, message) of every record logged through mmengine's current logger
    (``print_log(..., logger='current')``) during the test."""
    import logging

    from mmengine.logging import MMLogger
    records = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append((record.levelname, record.getMessage()))
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)
