"""DSBN: the split batch through two BatchNorms, mmseg models built with it, checkpoints."""
import copy

import pytest
import torch
from mmengine.registry import init_default_scope
from torch import nn

from mmnoisy.models.layers import DSBN, convert_dsbn, dsbn_domain
from mmnoisy.registry import MODELS


def reference_pair(dsbn):
    """Two independent BatchNorms holding the DSBN's branches' current state."""
    return copy.deepcopy(dsbn.main), copy.deepcopy(dsbn.aux)


def randomise(dsbn, seed=0):
    g = torch.Generator().manual_seed(seed)
    for branch in (dsbn.main, dsbn.aux):
        branch.weight.data = torch.rand(branch.num_features, generator=g) + 0.5
        branch.bias.data = torch.randn(branch.num_features, generator=g)
    return dsbn


@pytest.mark.parametrize('strong', [[False, False, True, True, True],
                                    [True, False, True, False, False]],
                         ids=['weak_first', 'interleaved'])
def test_train_matches_two_batchnorms_on_the_split_batch(strong):
    torch.manual_seed(0)
    dsbn = randomise(DSBN(4, momentum=0.3)).train()
    main, aux = reference_pair(dsbn)
    strong = torch.tensor(strong)
    x = (torch.randn(5, 4, 6, 7) * 3 + 1).requires_grad_()
    with dsbn_domain(dsbn, strong):
        out = dsbn(x)
    expected = torch.empty_like(out)
    expected[~strong] = main(x[~strong])
    expected[strong] = aux(x[strong])
    torch.testing.assert_close(out, expected)
    for got, want in ((dsbn.main, main), (dsbn.aux, aux)):
        torch.testing.assert_close(got.running_mean, want.running_mean)
        torch.testing.assert_close(got.running_var, want.running_var)
        assert got.num_batches_tracked == want.num_batches_tracked == 1
    # gradients reach each branch's own affine parameters only through its samples
    (out * torch.arange(5.)[:, None, None, None]).sum().backward()
    ref_x = x.detach().clone().requires_grad_()
    ref = torch.empty_like(out)
    ref[~strong] = main(ref_x[~strong])
    ref[strong] = aux(ref_x[strong])
    (ref * torch.arange(5.)[:, None, None, None]).sum().backward()
    torch.testing.assert_close(x.grad, ref_x.grad)
    torch.testing.assert_close(dsbn.aux.weight.grad, aux.weight.grad)
    torch.testing.assert_close(dsbn.main.bias.grad, main.bias.grad)


def test_eval_and_unmarked_training_use_main_only():
    dsbn = randomise(DSBN(3))
    x = torch.randn(4, 3, 5, 5)
    with dsbn_domain(dsbn, torch.tensor([False, True, True, True])):
        dsbn(x)  # one training step moves both branches' statistics
    main, aux = reference_pair(dsbn)
    dsbn.eval(), main.eval()
    with dsbn_domain(dsbn, torch.tensor([True] * 4)):
        torch.testing.assert_close(dsbn(x), main(x))  # eval: aux is never used
    dsbn.train(), main.train()
    torch.testing.assert_close(dsbn(x), main(x))  # no mark: every sample through main
    torch.testing.assert_close(dsbn.aux.running_mean, aux.running_mean)  # aux untouched


def test_domain_is_restored_and_checked():
    dsbn = DSBN(2)
    with dsbn_domain(nn.Sequential(dsbn), torch.tensor([True, False])):
        assert dsbn.routing.num_weak == 1
        with pytest.raises(ValueError, match='marks 2 samples but the batch has 3'):
            dsbn(torch.randn(3, 2, 4, 4))
    assert dsbn.routing is None


def test_builds_in_mmseg_resnet_and_heads_with_bn_names():
    init_default_scope('mmnoisy')
    model = MODELS.build(dict(
        type='EncoderDecoder',
        backbone=dict(type='ResNetV1c', depth=18, base_channels=8, stem_channels=8,
                      out_indices=(3, ), norm_cfg=dict(type='DSBN', momentum=0.2)),
        decode_head=dict(type='DepthwiseSeparableASPPHead', in_channels=64, in_index=0,
                         channels=16, dilations=(1, 2), c1_in_channels=0, c1_channels=0,
                         num_classes=3, norm_cfg=dict(type='DSBN'))))
    keys = model.state_dict().keys()
    assert 'backbone.layer1.0.bn1.main.weight' in keys
    assert 'backbone.layer1.0.bn2.aux.running_var' in keys
    assert 'decode_head.bottleneck.bn.aux.bias' in keys
    assert model.backbone.layer1[0].bn1.main.momentum == 0.2
    assert not any(type(m) is nn.BatchNorm2d and 'main' not in name and 'aux' not in name
                   for name, m in model.named_modules())
    model.train()
    x = torch.randn(4, 3, 64, 64)
    with dsbn_domain(model, torch.tensor([False, False, True, True])):
        assert model._forward(x).shape == (4, 3, 2, 2)


def plain_model():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(),
                          nn.Sequential(nn.Conv2d(4, 2, 1), nn.BatchNorm2d(2)))
    model.train()(torch.randn(4, 3, 8, 8) * 2 + 1)  # non-trivial running statistics
    model[1].weight.data.uniform_(0.5, 1.5)
    return model


def test_plain_bn_checkpoint_fans_out_and_loads_strict():
    plain = plain_model()
    dsbn_model = convert_dsbn(nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(),
                                            nn.Sequential(nn.Conv2d(4, 2, 1),
                                                          nn.BatchNorm2d(2))))
    assert isinstance(dsbn_model[1], DSBN) and isinstance(dsbn_model[3][1], DSBN)
    result = dsbn_model.load_state_dict(plain.state_dict(), strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    state = plain.state_dict()
    for branch in ('main', 'aux'):
        for key in ('weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked'):
            torch.testing.assert_close(dsbn_model.state_dict()[f'1.{branch}.{key}'],
                                       state[f'1.{key}'])
    x = torch.randn(2, 3, 8, 8)
    torch.testing.assert_close(dsbn_model.eval()(x), plain.eval()(x))
    # a DSBN checkpoint loads back as is (no fan-out)
    again = convert_dsbn(plain_model())
    again.load_state_dict(dsbn_model.state_dict(), strict=True)


def test_plain_checkpoint_loads_through_mmengine_and_the_semi_wrapper(tmp_path):
    from mmengine.runner import load_checkpoint
    init_default_scope('mmnoisy')
    seg = dict(type='EncoderDecoder',
               backbone=dict(type='ResNetV1c', depth=18, base_channels=8, stem_channels=8,
                             out_indices=(3, )),
               decode_head=dict(type='DeepLabV2Head', in_channels=64, dilations=(1, 2),
                                num_classes=3))
    plain = MODELS.build(seg)
    torch.save(dict(state_dict=plain.state_dict()), tmp_path / 'plain.pth')
    model = MODELS.build(dict(type='SimpleBaselineSegmentor', segmentor=seg, dsbn=True))
    load_checkpoint(model, str(tmp_path / 'plain.pth'), strict=True)
    bn = plain.backbone.stem[1]
    for branch in (model.segmentor.backbone.stem[1].main, model.segmentor.backbone.stem[1].aux):
        torch.testing.assert_close(branch.running_var, bn.running_var)


def test_convert_copies_each_bn_and_syncbn():
    bn = nn.SyncBatchNorm(3, momentum=0.05)
    bn.running_mean.fill_(2.0)
    dsbn = convert_dsbn(bn)
    assert isinstance(dsbn, DSBN) and isinstance(dsbn.aux, nn.SyncBatchNorm)
    assert dsbn.main.momentum == dsbn.aux.momentum == 0.05
    assert dsbn.main.running_mean is not dsbn.aux.running_mean
    assert torch.equal(dsbn.aux.running_mean, torch.full((3, ), 2.0))
    assert isinstance(DSBN(3, branch='SyncBN').main, nn.SyncBatchNorm)
    # the runner's sync_bn conversion reaches the branches
    synced = nn.SyncBatchNorm.convert_sync_batchnorm(nn.Sequential(DSBN(3)))
    assert isinstance(synced[0], DSBN) and isinstance(synced[0].main, nn.SyncBatchNorm)
    with pytest.raises(ValueError, match='branch must be one of'):
        DSBN(3, branch='GN')


def test_frozen_branches_use_their_running_statistics():
    """mmseg's ``norm_eval`` puts the BNs (here the branches) in eval mode."""
    dsbn = randomise(DSBN(3))
    dsbn.main.running_mean.fill_(1.0)
    dsbn.aux.running_var.fill_(4.0)
    dsbn.main.eval(), dsbn.aux.eval()
    main, aux = reference_pair(dsbn)
    x = torch.randn(4, 3, 5, 5)
    strong = torch.tensor([False, False, True, True])
    with dsbn_domain(dsbn, strong):
        out = dsbn(x)
    torch.testing.assert_close(out[:2], main(x[:2]))
    torch.testing.assert_close(out[2:], aux(x[2:]))
    assert dsbn.main.num_batches_tracked == 0
