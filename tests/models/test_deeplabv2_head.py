import pytest
import torch
import torch.nn.functional as F
from mmengine.registry import init_default_scope

from mmnoisy.models import DeepLabV2Head
from mmnoisy.registry import MODELS


def test_branches_are_summed_dilated_classifiers():
    head = DeepLabV2Head(in_channels=16, num_classes=5)
    head.init_weights()
    assert not hasattr(head, 'conv_seg')
    assert [c.dilation[0] for c in head.classifiers] == [6, 12, 18, 24]
    x = torch.randn(2, 16, 30, 30)
    expected = sum(F.conv2d(x, c.weight, c.bias, padding=d, dilation=d)
                   for c, d in zip(head.classifiers, (6, 12, 18, 24)))
    out = head([x])
    assert out.shape == (2, 5, 30, 30)
    torch.testing.assert_close(out, expected)
    # DeepLab-v2 classifier init: N(0, 0.01) weights, zero bias.
    weights = torch.cat([c.weight.flatten() for c in head.classifiers])
    assert 0.005 < weights.std() < 0.015
    assert all(torch.all(c.bias == 0) for c in head.classifiers)


def test_two_branch_compatibility_mode():
    head = DeepLabV2Head(in_channels=8, num_classes=3, dilations=(6, 12))
    assert len(head.classifiers) == 2
    x = torch.randn(1, 8, 20, 20)
    c0, c1 = head.classifiers
    torch.testing.assert_close(head([x]), c0(x) + c1(x))


def test_rejects_empty_dilations():
    with pytest.raises(ValueError, match='dilation'):
        DeepLabV2Head(in_channels=8, num_classes=3, dilations=())


def test_resnet_d8_output_stride():
    init_default_scope('mmnoisy')
    model = MODELS.build(dict(
        type='EncoderDecoder',
        data_preprocessor=dict(type='SegDataPreProcessor', size=(64, 96)),
        backbone=dict(type='ResNetV1c', depth=18, base_channels=8, stem_channels=8,
                      out_indices=(3, ), strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4),
                      contract_dilation=True),
        decode_head=dict(type='DeepLabV2Head', in_channels=64, num_classes=4),
        test_cfg=dict(mode='whole')))
    model.eval()
    feats = model.extract_feat(torch.randn(1, 3, 64, 96))
    assert feats[0].shape[-2:] == (8, 12)  # output stride 8
    logits = model.decode_head(feats)
    assert logits.shape == (1, 4, 8, 12)
