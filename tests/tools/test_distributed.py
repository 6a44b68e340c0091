"""Distributed launch on CPU: torchrun with gloo, and mim train after `pip install .`."""
import importlib.util
import os.path as osp
import shutil
import sys
from glob import glob

import pytest

from conftest import REPO, TINY_CONFIG, run_tool, tiny_options


@pytest.mark.slow
def test_torchrun_two_processes_gloo(tmp_path, shapes_root):
    work_dir = tmp_path / 'dist'
    proc = run_tool('-m', 'torch.distributed.run', '--nproc_per_node', '2',
                    '--master_port', '29631', 'tools/train.py', TINY_CONFIG,
                    '--launcher', 'pytorch', '--work-dir', str(work_dir),
                    *tiny_options(shapes_root), timeout=600)
    log = open(glob(f'{work_dir}/*/*.log')[0]).read()
    assert 'Distributed training: True' in log
    assert "'world_size': 2" in log or 'GPU number: 2' in log or 'world_size: 2' in log.lower()
    assert osp.isfile(work_dir / 'iter_6.pth')
    assert 'mIoU' in proc.stdout + proc.stderr


def _installed_with_mim_files():
    spec = importlib.util.find_spec('mmnoisy')
    site = [p for p in sys.path if 'site-packages' in p]
    for p in site:
        if osp.isfile(osp.join(p, 'mmnoisy', '.mim', 'tools', 'train.py')):
            return True
    return False


@pytest.mark.skipif(shutil.which('mim') is None and not osp.exists(
    osp.join(osp.dirname(sys.executable), 'mim')), reason='openmim not installed')
@pytest.mark.slow
def test_mim_train_two_processes(tmp_path, shapes_root):
    if not _installed_with_mim_files():
        pytest.fail('mmnoisy is not installed with its .mim folder: run tools/setup_env.sh '
                    '(pip install .)')
    mim = osp.join(osp.dirname(sys.executable), 'mim')
    work_dir = tmp_path / 'mim'
    import subprocess
    import os
    env = dict(os.environ, OMP_NUM_THREADS='1')
    env.pop('PYTHONPATH', None)
    proc = subprocess.run(
        [mim, 'train', 'mmnoisy', osp.join(REPO, TINY_CONFIG), '--launcher', 'pytorch',
         '--gpus', '2', '--port', '29637', '--work-dir', str(work_dir),
         *tiny_options(shapes_root)],
        cwd=str(tmp_path), env=env, text=True, capture_output=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert osp.isfile(work_dir / 'iter_6.pth')


def test_run_cli_tears_the_process_group_down(tmp_path):
    """After a successful run the group is destroyed while the interpreter is whole (a
    gloo thread freeing the last collective's tensors at exit aborts the rank)."""
    import torch.distributed as dist

    from mmnoisy.apis.cli import run_cli
    dist.init_process_group('gloo', init_method=f'file://{tmp_path}/store', rank=0,
                            world_size=1)
    try:
        run_cli(lambda: dist.broadcast_object_list([{'mIoU': 1.0}], src=0))
        assert not dist.is_initialized()
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()
