"""Distributed training without a GPU (gloo), which mmengine's launcher does not cover.

``mmengine.dist.init_dist`` always calls ``torch.cuda.set_device``, DDP rejects
``device_ids`` for CPU modules and ``SyncBatchNorm`` rejects CPU tensors. When no CUDA
device exists, :func:`prepare_cpu_distributed` creates the gloo group itself (the runner then
skips ``init_dist``), wraps the model without device ids and swaps SyncBN for BN.
"""
import os
import warnings

import torch
import torch.distributed as dist
from mmengine.config import Config

CPU_MODEL_WRAPPER = dict(type='MMDistributedDataParallel', device_ids=None,
                         broadcast_buffers=False)


def replace_sync_bn(cfg) -> int:
    """Turn every ``type='SyncBN'`` in a config tree into ``'BN'``; return how many."""
    count = 0
    if isinstance(cfg, dict):
        if cfg.get('type') in ('SyncBN', 'MMSyncBN'):
            cfg['type'] = 'BN'
            count += 1
        for value in cfg.values():
            count += replace_sync_bn(value)
    elif isinstance(cfg, (list, tuple)):
        for value in cfg:
            count += replace_sync_bn(value)
    return count


def prepare_cpu_distributed(cfg: Config, launcher: str) -> bool:
    """Set up a gloo process group and a CPU-compatible config when there is no GPU.

    Args:
        cfg (Config): The config to adjust in place.
        launcher (str): 'none', 'pytorch' (torchrun / torch.distributed.launch), 'slurm'
            or 'mpi'.

    Returns:
        bool: True when a CPU process group was created (or already existed).
    """
    if launcher == 'none' or torch.cuda.is_available():
        return False
    if launcher != 'pytorch':
        raise RuntimeError(
            f'--launcher {launcher} without a GPU is not supported; on CPU launch with '
            '`torchrun --nproc_per_node N tools/train.py CONFIG --launcher pytorch`.')
    if 'RANK' not in os.environ:
        raise RuntimeError('--launcher pytorch expects the variables torchrun sets (RANK, '
                           'WORLD_SIZE, MASTER_ADDR); start it through torchrun.')
    if not dist.is_initialized():
        dist.init_process_group(backend='gloo')
    cfg.model_wrapper_cfg = dict(CPU_MODEL_WRAPPER)
    cfg.pop('sync_bn', None)
    if replace_sync_bn(cfg.model):
        warnings.warn('SyncBN needs CUDA; using per-process BN for CPU distributed training')
    return True
