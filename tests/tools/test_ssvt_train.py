"""SSVT end to end on tiny data: the frozen backbone stays frozen through runner.train()."""
import torch
from mmengine.config import Config
from mmengine.hooks import Hook

from conftest import REPO
from mmnoisy.engine import MMNoisyRunner

DEMO = f'{REPO}/configs/ssvt/linear_dinov2-vits14-random_1xb8-0.6k_shapes-112x112_ssvt-scribble.py'


class _ModeProbe(Hook):
    """Records the train/eval mode of backbone and head at every training iteration."""

    def __init__(self):
        self.modes = []

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        model = runner.model
        self.modes.append((model.backbone.training, model.decode_head.training))


def test_frozen_backbone_through_runner_train(tmp_path, shapes_root):
    cfg = Config.fromfile(DEMO)
    cfg.work_dir = str(tmp_path)
    cfg.model.backbone.arch = dict(embed_dim=32, depth=2, num_heads=2)
    cfg.model.decode_head.in_channels = 32
    cfg.train_cfg.max_iters = cfg.train_cfg.val_interval = 3
    cfg.param_scheduler[0].end = 3
    cfg.default_hooks.checkpoint.interval = 3
    cfg.default_hooks.logger.interval = 1
    for split in ('train', 'val', 'test'):
        loader = cfg[f'{split}_dataloader']
        loader.update(num_workers=0, persistent_workers=False)
        loader.dataset.data_root = shapes_root
    cfg.train_dataloader.batch_size = 2
    cfg.val_dataloader.dataset.indices = 2
    runner = MMNoisyRunner.from_cfg(cfg)
    probe = _ModeProbe()
    runner.register_hook(probe)
    model = runner.model
    backbone_before = {k: v.clone() for k, v in model.backbone.state_dict().items()}
    head_before = {k: v.clone() for k, v in model.decode_head.state_dict().items()}

    runner.train()

    assert probe.modes == [(False, True)] * 3
    assert not any(p.requires_grad for p in model.backbone.parameters())
    assert all(p.grad is None for p in model.backbone.parameters())
    for k, v in model.backbone.state_dict().items():
        assert torch.equal(v, backbone_before[k]), k
    assert any(not torch.equal(v, head_before[k])
               for k, v in model.decode_head.state_dict().items())
    optimised = {id(p) for g in runner.optim_wrapper.optimizer.param_groups for p in g['params']}
    assert optimised == {id(p) for p in model.decode_head.parameters()}
