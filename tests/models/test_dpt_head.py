"""DINOv2DPTHead: parity with UniMatch V2's DPT head; the DINOv2 + DPT base configs and the
release optimiser.

``_ReleaseDPTHead`` below restates LiheYoung/UniMatch-V2 ``model/semseg/dpt.py``
(``DPTHead``, ``use_bn=False``) and ``model/util/blocks.py`` (``_make_scratch``,
``FeatureFusionBlock``, ``ResidualConvUnit``) line by line, independent of mmnoisy's code:
it takes token sequences (N, h*w, C) and ``patch_h, patch_w`` as the release does.
"""
import copy

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import PARAM_SCHEDULERS, init_default_scope
from mmengine.structures import PixelData
from mmseg.models.decode_heads import DPTHead as MMSegDPTHead
from mmseg.registry import MODELS as MMSEG_MODELS
from mmseg.structures import SegDataSample

from conftest import REPO
from mmnoisy.models import DINOv2DPTHead
from mmnoisy.registry import MODELS


class _RCU(nn.Module):

    def __init__(self, features, activation):
        super().__init__()
        self.conv1 = nn.Conv2d(features, features, 3, 1, 1, bias=True)
        self.conv2 = nn.Conv2d(features, features, 3, 1, 1, bias=True)
        self.activation = activation

    def forward(self, x):
        out = self.conv2(self.activation(self.conv1(self.activation(x))))
        return out + x


class _FFB(nn.Module):

    def __init__(self, features):
        super().__init__()
        self.out_conv = nn.Conv2d(features, features, 1, 1, 0, bias=True)
        self.resConfUnit1 = _RCU(features, nn.ReLU(False))
        self.resConfUnit2 = _RCU(features, nn.ReLU(False))

    def forward(self, *xs, size=None):
        output = xs[0]
        if len(xs) == 2:
            output = output + self.resConfUnit1(xs[1])
        output = self.resConfUnit2(output)
        modifier = {'scale_factor': 2} if size is None else {'size': size}
        output = F.interpolate(output, **modifier, mode='bilinear', align_corners=True)
        return self.out_conv(output)


class _ReleaseDPTHead(nn.Module):

    def __init__(self, nclass, in_channels, features, out_channels):
        super().__init__()
        self.projects = nn.ModuleList(
            [nn.Conv2d(in_channels, c, 1, 1, 0) for c in out_channels])
        self.resize_layers = nn.ModuleList([
            nn.ConvTranspose2d(out_channels[0], out_channels[0], 4, 4, 0),
            nn.ConvTranspose2d(out_channels[1], out_channels[1], 2, 2, 0),
            nn.Identity(),
            nn.Conv2d(out_channels[3], out_channels[3], 3, 2, 1)])
        self.scratch = nn.Module()
        for i, c in enumerate(out_channels, 1):
            setattr(self.scratch, f'layer{i}_rn', nn.Conv2d(c, features, 3, 1, 1, bias=False))
        self.scratch.stem_transpose = None
        for i in range(1, 5):
            setattr(self.scratch, f'refinenet{i}', _FFB(features))
        self.scratch.output_conv = nn.Sequential(
            nn.Conv2d(features, features, 3, 1, 1), nn.ReLU(True),
            nn.Conv2d(features, nclass, 1, 1, 0))

    def forward(self, out_features, patch_h, patch_w):
        out = []
        for i, x in enumerate(out_features):
            x = x.permute(0, 2, 1).reshape((x.shape[0], x.shape[-1], patch_h, patch_w))
            out.append(self.resize_layers[i](self.projects[i](x)))
        s = self.scratch
        l1, l2, l3, l4 = s.layer1_rn(out[0]), s.layer2_rn(out[1]), s.layer3_rn(
            out[2]), s.layer4_rn(out[3])
        path_4 = s.refinenet4(l4, size=l3.shape[2:])
        path_3 = s.refinenet3(path_4, l3, size=l2.shape[2:])
        path_2 = s.refinenet2(path_3, l2, size=l1.shape[2:])
        path_1 = s.refinenet1(path_2, l1)
        return s.output_conv(path_1)


def release_to_mmnoisy(state_dict):
    """A release ``head.*`` state dict (prefix stripped) in DINOv2DPTHead's names."""
    out = {}
    for key, value in state_dict.items():
        if key.startswith('scratch.refinenet4.resConfUnit1.'):
            continue  # built but never called by the release
        if key.startswith('scratch.output_conv.2.'):
            key = 'conv_seg.' + key[len('scratch.output_conv.2.'):]
        out[key] = value
    return out


EMBED, FEATURES, OUTS, NCLASS = 32, 16, (8, 12, 24, 32), 5


def _pair(seed=0):
    torch.manual_seed(seed)
    ref = _ReleaseDPTHead(NCLASS, EMBED, FEATURES, OUTS)
    for p in ref.parameters():  # non-trivial biases too
        nn.init.normal_(p, std=0.2)
    head = DINOv2DPTHead(in_channels=EMBED, channels=FEATURES, post_process_channels=OUTS,
                         num_classes=NCLASS)
    head.load_state_dict(release_to_mmnoisy(ref.state_dict()), strict=True)
    return ref.eval(), head.eval()


@pytest.mark.parametrize('grid', [(4, 4), (5, 7), (37, 37)])
def test_matches_release_head(grid):
    ref, head = _pair()
    h, w = grid
    maps = [torch.randn(2, EMBED, h, w) for _ in range(4)]
    tokens = [m.flatten(2).transpose(1, 2) for m in maps]  # what the release's head receives
    with torch.no_grad():
        expected = ref(tokens, h, w)
        out = head(maps)
    assert out.shape == expected.shape == (2, NCLASS, 8 * h, 8 * w)
    torch.testing.assert_close(out, expected, rtol=1e-5, atol=1e-5)
    # The release then upsamples to (14h, 14w) with align_corners=True; so does the head.
    metas = [dict(img_shape=(14 * h, 14 * w), pad_shape=(14 * h, 14 * w))] * 2
    with torch.no_grad():
        up = head.predict_by_feat(out, metas)
    torch.testing.assert_close(
        up, F.interpolate(expected, (14 * h, 14 * w), mode='bilinear', align_corners=True),
        rtol=1e-5, atol=1e-5)


def test_mmseg_dpt_head_differs():
    """Why the head is not mmseg's DPTHead: bias-free residual convs and another size path."""
    mm = MMSegDPTHead(in_channels=[EMBED] * 4, in_index=[0, 1, 2, 3],
                      input_transform='multiple_select', channels=FEATURES,
                      embed_dims=EMBED, post_process_channels=list(OUTS), num_classes=NCLASS,
                      norm_cfg=None, readout_type='ignore', dropout_ratio=0.0)
    assert mm.fusion_blocks[1].res_conv_unit1.conv1.conv.bias is None
    maps = [torch.randn(1, EMBED, 37, 37) for _ in range(4)]
    with torch.no_grad():
        assert mm([[m, torch.zeros(1, EMBED)] for m in maps]).shape[-1] == 304
    _, head = _pair()
    with torch.no_grad():
        assert head(maps).shape[-1] == 296


def test_logits_follow_patch_padding():
    """A non-multiple input is padded by DINOv2: logits are mapped over the padded extent."""
    _, head = _pair()
    logits = torch.randn(1, NCLASS, 32, 32)  # 4 x 4 patches: a 56 x 56 padded input
    out = head.predict_by_feat(logits, [dict(img_shape=(50, 53), pad_shape=(50, 53))])
    full = F.interpolate(logits, (56, 56), mode='bilinear', align_corners=True)
    torch.testing.assert_close(out, full[..., :50, :53])
    sample = SegDataSample(gt_sem_seg=PixelData(data=torch.zeros(1, 50, 53, dtype=torch.long)))
    assert torch.isfinite(head.loss_by_feat(logits, [sample])['loss_ce'])


def test_shape_and_gradients():
    head = DINOv2DPTHead(in_channels=EMBED, channels=FEATURES, post_process_channels=OUTS,
                         num_classes=NCLASS)
    maps = [torch.randn(2, EMBED, 4, 4, requires_grad=True) for _ in range(4)]  # 56 x 56
    out = head(maps)
    assert out.shape == (2, NCLASS, 32, 32)
    label = torch.randint(0, NCLASS, (2, 1, 56, 56))
    label[:, :, :8] = 255
    samples = [SegDataSample(gt_sem_seg=PixelData(data=lbl)) for lbl in label]
    losses = head.loss_by_feat(out, samples)
    losses['loss_ce'].backward()
    for name, param in head.named_parameters():
        assert param.grad is not None and param.grad.abs().sum() > 0, name
    assert all(m.grad.abs().sum() > 0 for m in maps)


def test_builds_from_config_and_rejects_norm():
    cfg = dict(type='DINOv2DPTHead', in_channels=EMBED, channels=FEATURES,
               post_process_channels=OUTS, num_classes=NCLASS)
    head = MODELS.build(cfg)
    assert isinstance(head, DINOv2DPTHead) and MODELS.get('DINOv2DPTHead') is DINOv2DPTHead
    assert isinstance(MMSEG_MODELS.build(dict(cfg, type='mmnoisy.DINOv2DPTHead')),
                      DINOv2DPTHead)
    assert head.dropout is None and head.align_corners
    assert head.scratch.refinenet4.resConfUnit1 is None
    with pytest.raises(ValueError, match='norm_cfg'):
        MODELS.build(dict(cfg, norm_cfg=dict(type='BN')))


TINY = f"""
_base_ = ['{REPO}/configs/_base_/models/{{base}}',
          '{REPO}/configs/_base_/schedules/unimatch_v2.py']
model = dict(
    data_preprocessor=dict(size=(56, 56)),
    backbone=dict(arch=dict(_delete_=True, embed_dim=32, depth=4, num_heads=2), img_size=56,
                  out_indices=(0, 1, 2, 3), init_cfg=None),
    decode_head=dict(in_channels=32, channels=8, post_process_channels=(4, 8, 16, 32),
                     num_classes=3))
"""


@pytest.mark.parametrize('base', ['dinov2_vits14_dpt.py', 'dinov2_vitb14_dpt.py'])
def test_base_config_release_settings(base):
    cfg = Config.fromfile(f'{REPO}/configs/_base_/models/{base}')
    small = base.startswith('dinov2_vits')
    backbone, head = cfg.model.backbone, cfg.model.decode_head
    assert backbone.arch == ('vit_small' if small else 'vit_base')
    assert backbone.frozen is False and tuple(backbone.out_indices) == (2, 5, 8, 11)
    assert backbone.init_cfg.checkpoint.endswith(
        f'dinov2_vit{"s" if small else "b"}14_pretrain.pth')
    assert head.channels == (64 if small else 128)
    assert tuple(head.post_process_channels) == ((48, 96, 192, 384) if small else
                                                 (96, 192, 384, 768))
    assert head.in_channels == (384 if small else 768) and head.align_corners is True
    assert cfg.model.data_preprocessor.test_cfg == dict(size_divisor=14)


def _batch(size, num_classes=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    inputs = [torch.randint(0, 256, (3, *size), generator=g).to(torch.uint8) for _ in range(2)]
    samples = []
    for _ in range(2):
        sample = SegDataSample(gt_sem_seg=PixelData(
            data=torch.randint(0, num_classes, (1, *size), generator=g)))
        sample.set_metainfo(dict(img_shape=size, ori_shape=size))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


@pytest.mark.parametrize('base', ['dinov2_vits14_dpt.py', 'dinov2_vitb14_dpt.py'])
def test_tiny_model_loss_predict_and_optimizer(tmp_path, base):
    path = tmp_path / 'tiny.py'
    path.write_text(TINY.format(base=base))
    cfg = Config.fromfile(str(path))
    init_default_scope('mmnoisy')
    torch.manual_seed(0)
    model = MMSEG_MODELS.build(cfg.model)  # _scope_='mmnoisy' inside the model dict
    model.init_weights()
    assert type(model).__name__ == 'EncoderDecoder'
    assert all(p.requires_grad for p in model.backbone.parameters())

    model.train()
    data = model.data_preprocessor(_batch((56, 56)), True)
    assert data['inputs'].shape == (2, 3, 56, 56)
    losses = model(**data, mode='loss')
    losses['decode.loss_ce'].backward()
    assert model.backbone.blocks[0].attn.qkv.weight.grad.abs().sum() > 0

    model.eval()
    with torch.no_grad():  # 50 x 50 is padded to 56 x 56 (4 x 4 patches), then cropped
        data = model.data_preprocessor(_batch((50, 50)), False)
        assert data['inputs'].shape == (2, 3, 56, 56)
        results = model(**data, mode='predict')
    assert results[0].pred_sem_seg.data.shape == (1, 50, 50)
    assert results[0].seg_logits.data.shape == (3, 50, 50)

    # The optimiser as the release's: the segmentor of a semi-supervised wrapper holds the
    # trained model, a teacher copy without grad must not enter the optimiser.
    wrapper = nn.Module()
    wrapper.segmentor = model
    wrapper.teacher = copy.deepcopy(model).requires_grad_(False)
    optim_wrapper = build_optim_wrapper(wrapper, cfg.optim_wrapper)
    optimizer = optim_wrapper.optimizer
    assert type(optimizer).__name__ == 'AdamW'
    lr_of = {id(p): g['lr'] for g in optimizer.param_groups for p in g['params']}
    for g in optimizer.param_groups:
        assert g['betas'] == (0.9, 0.999) and g['weight_decay'] == 0.01
    for name, param in wrapper.named_parameters():
        if name.startswith('teacher.'):
            assert id(param) not in lr_of, name
        elif name.startswith('segmentor.backbone.'):
            assert lr_of[id(param)] == pytest.approx(5e-6, rel=1e-12), name
        else:
            assert lr_of[id(param)] == pytest.approx(2e-4, rel=1e-12), name
    assert len(lr_of) == sum(1 for _ in model.parameters())

    # Poly decay by iteration, power 0.9, in both groups. mmengine's PolyLR reaches 0 at the
    # last iteration: lr_t = lr_0 (1 - t / (T - 1))^0.9 (the release: (1 - (t - 1) / T)^0.9).
    assert cfg.find_unused_parameters is True
    scheduler = PARAM_SCHEDULERS.build(
        dict(cfg.param_scheduler[0], end=10), default_args=dict(optimizer=optim_wrapper))
    assert not scheduler.by_epoch
    for _ in range(4):
        optimizer.step()
        scheduler.step()
    factor = (1 - 4 / 9)**0.9
    lr_now = {id(p): g['lr'] for g in optimizer.param_groups for p in g['params']}
    for name, param in model.named_parameters():
        base_lr = 5e-6 if name.startswith('backbone.') else 2e-4
        assert lr_now[id(param)] == pytest.approx(base_lr * factor, rel=1e-9), name
