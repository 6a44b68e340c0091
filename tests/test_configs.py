"""Every config in configs/ builds its model, datasets and custom hooks (pretrained weights
disabled)."""
import os.path as osp
from glob import glob

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

from conftest import REPO
from mmnoisy.datasets import complete_dataloaders, semi_data_spec
from mmnoisy.registry import DATASETS, HOOKS, MODELS

CONFIGS = sorted(p for p in glob(f'{REPO}/configs/**/*.py', recursive=True)
                 if '/_base_/' not in p)


def disable_pretrained(cfg):
    if isinstance(cfg, dict):
        if cfg.get('type') == 'Pretrained':
            return None
        return type(cfg)({k: disable_pretrained(v) for k, v in cfg.items()
                          if k != 'pretrained'})
    if isinstance(cfg, list):
        return [disable_pretrained(v) for v in cfg]
    return cfg


def lazy(dataset_cfg):
    """Build without reading data (the real datasets are not on this machine)."""
    dataset_cfg = dict(dataset_cfg, lazy_init=True)
    if 'datasets' in dataset_cfg:
        dataset_cfg['datasets'] = [lazy(d) for d in dataset_cfg['datasets']]
    return dataset_cfg


def dataset_cfgs(cfg):
    """The datasets of the dataloaders, as the runner completes them from ``semi_data``,
    and those a self-training loop builds from it (a round's, the pseudo-labelling pass's)."""
    complete_dataloaders(cfg)
    loaders = [cfg[f'{split}_dataloader'] for split in ('train', 'val', 'test')]
    if cfg.get('semi_data') is not None:
        spec = semi_data_spec(cfg)
        loaders += [spec.round_dataloader('round_1/pseudo'), spec.unlabeled_dataloader()]
    return [dict(loader['dataset']) for loader in loaders]


def test_configs_found():
    assert any('demo' in p for p in CONFIGS)


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: osp.relpath(p, REPO))
def test_config_builds(path):
    cfg = Config.fromfile(path)
    init_default_scope(cfg.get('default_scope', 'mmnoisy'))
    model = MODELS.build(disable_pretrained(cfg.model.to_dict()))
    model.init_weights()
    num_classes = getattr(model, 'segmentor', model).decode_head.num_classes
    for dataset_cfg in dataset_cfgs(cfg):
        dataset = DATASETS.build(lazy(dataset_cfg))
        assert len(dataset.metainfo['classes']) == num_classes
    for hook_cfg in cfg.get('custom_hooks', []):
        HOOKS.build(hook_cfg.to_dict())
    teacher = cfg.train_cfg.get('teacher')  # a self-training teacher of another config
    if teacher:
        teacher = MODELS.build(disable_pretrained(teacher.model.to_dict()))
        assert teacher.decode_head.num_classes == num_classes
