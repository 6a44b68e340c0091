"""ADELESegmentor: losses of each mode and the training-IoU statistics of its forward."""
import pytest
import torch
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mmnoisy.registry import MODELS

TINY = dict(
    type='ADELESegmentor',
    data_preprocessor=dict(type='SegDataPreProcessor', mean=[0, 0, 0], std=[1, 1, 1]),
    backbone=dict(type='ResNetV1c', depth=18, stem_channels=8, base_channels=8,
                  out_indices=(3, ), strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4)),
    decode_head=dict(type='DeepLabV2Head', in_channels=64, dilations=(1, 2), num_classes=3,
                     loss_decode=dict(type='CrossEntropyLoss')))


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


@pytest.mark.parametrize('consistency, keys', [
    (None, {'decode.loss_ce', 'decode.acc_seg'}),
    (dict(), {'decode.loss_ce', 'decode.loss_consistency', 'decode.acc_seg'}),
    (dict(mode='reference'), {'decode.loss_ce', 'decode.loss_consistency', 'decode.acc_seg'})])
def test_losses_and_train_iou(consistency, keys):
    init_default_scope('mmnoisy')
    model = MODELS.build(dict(TINY, consistency=consistency))
    inputs, samples = batch()
    losses = model.loss(inputs, samples)
    assert set(losses) == keys
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    if consistency and consistency.get('mode') == 'reference':
        assert model.mixture.grad is not None
    # Counted against the noisy labels: 4 ignored rows of 32 x 32 in each of 2 images.
    tp, pred_area, label_area = model.train_iou.sums['noisy']
    assert label_area.sum() == 2 * 28 * 32
    assert set(model.train_iou.sums) == {'noisy', 'el', 'm'}
    assert model.train_iou.iou('noisy').shape == (3, )


def test_falls_back_to_training_label_and_needs_scale_one():
    init_default_scope('mmnoisy')
    model = MODELS.build(dict(TINY, consistency=None))
    inputs, samples = batch(with_extra=False)
    model.loss(inputs, samples)
    assert model.train_iou.sums['noisy'][2].sum() == 2 * 32 * 32
    assert 'el' not in model.train_iou.sums
    with pytest.raises(ValueError, match='1.0'):
        MODELS.build(dict(TINY, consistency=dict(scales=(0.5, 2.0))))
