"""ADELESegmentor: losses of each mode and the training-IoU statistics of its forward."""
import pytest
import torch
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mmnoisy.models.losses import multiscale_consistency_loss
from mmnoisy.registry import MODELS

TINY = dict(
    type='ADELESegmentor',
    data_preprocessor=dict(type='SegDataPreProcessor', mean=[0, 0, 0], std=[1, 1, 1]),
    backbone=dict(type='ResNetV1c', depth=18, stem_channels=8, base_channels=8,
                  out_indices=(3, ), strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4)),
    decode_head=dict(type='DeepLabV2Head', in_channels=64, dilations=(1, 2), num_classes=3,
                     loss_decode=dict(type='CrossEntropyLoss')))


def adele(mode=None, avg_non_ignore=True, sampler=None, **kwargs):
    """TINY with a MultiScaleConsistencyLoss of ``mode`` in loss_decode (None: CE only)."""
    init_default_scope('mmnoisy')
    torch.manual_seed(0)
    if mode is None:
        return MODELS.build(dict(TINY, **kwargs))
    head = dict(TINY['decode_head'], sampler=sampler, loss_decode=[
        dict(type='CrossEntropyLoss', avg_non_ignore=avg_non_ignore),
        dict(type='MultiScaleConsistencyLoss', mode=mode, rho=0.4, loss_weight=0.5)])
    return MODELS.build(dict(TINY, decode_head=head, **kwargs))


def batch(with_extra=True):
    torch.manual_seed(0)
    samples = []
    for _ in range(2):
        sample = SegDataSample()
        label = torch.randint(0, 3, (1, 32, 32))
        sample.gt_sem_seg = PixelData(data=label)
        if with_extra:
            noisy = label.clone()
            noisy[:, :4] = 255
            sample.set_data(dict(gt_noisy_sem_seg=PixelData(data=noisy),
                                 gt_clean_sem_seg=PixelData(data=torch.zeros_like(label))))
        samples.append(sample)
    return torch.rand(2, 3, 32, 32), samples


@pytest.mark.parametrize('mode, keys', [
    (None, {'decode.loss_ce', 'decode.acc_seg'}),
    ('paper', {'decode.loss_ce', 'decode.loss_consistency', 'decode.acc_seg'}),
    ('reference', {'decode.loss_ce', 'decode.loss_consistency', 'decode.acc_seg'})])
def test_losses_and_train_iou(mode, keys):
    model = adele(mode)
    inputs, samples = batch()
    losses = model.loss(inputs, samples)
    assert set(losses) == keys
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    if mode == 'reference':
        assert model.mixture.grad is not None
    # Counted against the noisy labels: 4 ignored rows of 32 x 32 in each of 2 images.
    tp, pred_area, label_area = model.train_iou.sums['noisy']
    assert label_area.sum() == 2 * 28 * 32
    assert set(model.train_iou.sums) == {'noisy', 'el', 'm'}
    assert model.train_iou.iou('noisy').shape == (3, )


def test_falls_back_to_training_label_and_needs_scale_one():
    model = adele(None)
    inputs, samples = batch(with_extra=False)
    model.loss(inputs, samples)
    assert model.train_iou.sums['noisy'][2].sum() == 2 * 32 * 32
    assert 'el' not in model.train_iou.sums
    with pytest.raises(ValueError, match='1.0'):
        adele('paper', scales=(0.5, 2.0))


@pytest.mark.parametrize('mode, avg_non_ignore', [('paper', True), ('reference', False)])
def test_loss_decode_reproduces_the_function(mode, avg_non_ignore):
    """The head's CE (per scale) + MultiScaleConsistencyLoss give the numbers of
    ``multiscale_consistency_loss``, when the CE averages as the mode does."""
    model = adele(mode, avg_non_ignore)
    if mode == 'reference':
        model.mixture.data = torch.tensor([0.3, -0.2, 0.1])
    inputs, samples = batch()
    losses = model.loss(inputs, samples)
    label = torch.stack([s.gt_sem_seg.data[0] for s in samples])
    expected = multiscale_consistency_loss(
        model._forward_scales(inputs, model.scales), label, rho=0.4, mode=mode,
        mixture=getattr(model, 'mixture', None))
    assert expected['loss_consistency'] > 0  # the term is exercised
    assert losses['decode.loss_ce'].item() == pytest.approx(expected['loss_ce'].item(),
                                                            rel=1e-5)
    assert losses['decode.loss_consistency'].item() == pytest.approx(
        0.5 * expected['loss_consistency'].item(), rel=1e-5)


def test_decode_head_sampler_weights_every_scale():
    """An OHEM sampler of the head weights the CE of each scale (picked on scale 1.0)."""
    inputs, samples = batch()
    plain = adele('paper').loss(inputs, samples)
    model = adele('paper', sampler=dict(type='OHEMPixelSampler', thresh=0.0, min_kept=10))
    losses = model.loss(inputs, samples)
    # the 20 hardest of 2048 pixels, each harder than the mean, over the same denominator
    assert 0 < losses['decode.loss_ce'] < plain['decode.loss_ce'] * 20 / 2048 * 10
    assert losses['decode.loss_consistency'] < plain['decode.loss_consistency']
