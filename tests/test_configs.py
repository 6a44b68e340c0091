"""Every config in configs/ builds its model and datasets (pretrained weights disabled)."""
import os.path as osp
from glob import glob

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

from conftest import REPO
from mmnoisy.registry import DATASETS, MODELS

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


def test_configs_found():
    assert any('demo' in p for p in CONFIGS)


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: osp.relpath(p, REPO))
def test_config_builds(path):
    cfg = Config.fromfile(path)
    init_default_scope(cfg.get('default_scope', 'mmnoisy'))
    model = MODELS.build(disable_pretrained(cfg.model.to_dict()))
    model.init_weights()
    for split in ('train', 'val', 'test'):
        dataset_cfg = cfg[f'{split}_dataloader'].dataset.to_dict()
        dataset_cfg['lazy_init'] = True  # the real data is not on this machine
        dataset = DATASETS.build(dataset_cfg)
        assert dataset.metainfo['classes']
        assert len(dataset.metainfo['classes']) == model.decode_head.num_classes
