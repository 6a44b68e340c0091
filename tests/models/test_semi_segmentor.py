import pytest
import torch
from mmengine.config import ConfigDict
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mmnoisy.models.losses import DynamicSelfTrainingLoss
from mmnoisy.registry import MODELS

SEGMENTOR = dict(
    type='EncoderDecoder',
    data_preprocessor=dict(type='SegDataPreProcessor', size=(32, 32)),
    backbone=dict(type='ResNetV1c', depth=18, base_channels=8, stem_channels=8,
                  out_indices=(3, ), strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4)),
    decode_head=dict(type='DeepLabV2Head', in_channels=64, num_classes=4),
    test_cfg=ConfigDict(mode='whole'))  # mmseg reads test_cfg.mode


def build(**kwargs):
    init_default_scope('mmnoisy')
    torch.manual_seed(0)
    return MODELS.build(dict(type='SemiSupervisedSegmentor', segmentor=SEGMENTOR, **kwargs))


def batch(sources):
    torch.manual_seed(1)
    samples = []
    for source in sources:
        sample = SegDataSample(metainfo=dict(source=source, img_shape=(32, 32),
                                             ori_shape=(32, 32), pad_shape=(32, 32)))
        label = torch.randint(0, 4, (1, 32, 32))
        label[:, :4] = 255
        sample.gt_sem_seg = PixelData(data=label)
        samples.append(sample)
    return torch.randn(len(sources), 3, 32, 32), samples


def test_whole_batch_normalisation_equals_the_dst_cbc_loss():
    model = build(sup_loss=dict(type='DynamicSelfTrainingLoss', gamma=0),
                  unsup_loss=dict(type='DynamicSelfTrainingLoss', gamma=9),
                  normalization='whole_batch')
    inputs, samples = batch(['labeled', 'pseudo', 'labeled', 'pseudo'])
    samples[1].gt_sem_seg.data[:, 10:] = 255  # sources with different valid pixel counts
    losses = model.loss(inputs, samples)
    assert set(losses) >= {'sup_loss_dst', 'unsup_loss_dst', 'sup_acc_seg',
                           'unsup_valid_ratio'}
    logits = torch.nn.functional.interpolate(
        model.segmentor.decode_head(model.segmentor.extract_feat(inputs)), size=(32, 32),
        mode='bilinear')
    labels = torch.stack([s.gt_sem_seg.data[0] for s in samples])
    expected = DynamicSelfTrainingLoss(gamma=9)(
        logits, labels, is_pseudo=torch.tensor([False, True, False, True]))
    total = losses['sup_loss_dst'] + losses['unsup_loss_dst']
    assert total.item() == pytest.approx(expected.item(), rel=1e-5)


def test_per_source_means_and_weights():
    model = build(unsup_weight=0.5)
    inputs, samples = batch(['labeled', 'pseudo'])
    losses = model.loss(inputs, samples)
    logits = torch.nn.functional.interpolate(
        model.segmentor.decode_head(model.segmentor.extract_feat(inputs)), size=(32, 32),
        mode='bilinear')
    labels = torch.stack([s.gt_sem_seg.data[0] for s in samples])
    ce = torch.nn.functional.cross_entropy
    assert losses['sup_loss_ce'].item() == pytest.approx(
        ce(logits[:1], labels[:1], ignore_index=255).item(), rel=1e-5)
    assert losses['unsup_loss_ce'].item() == pytest.approx(
        0.5 * ce(logits[1:], labels[1:], ignore_index=255).item(), rel=1e-5)


def test_untagged_samples_are_labelled_and_missing_sources_skipped():
    model = build()
    inputs, samples = batch(['labeled', 'labeled'])
    for s in samples:
        s.set_metainfo(dict(source=None))
    losses = model.loss(inputs, samples)
    assert 'sup_loss_ce' in losses and 'unsup_loss_ce' not in losses


def test_plain_checkpoint_loads_and_prediction_is_the_wrapped_models():
    model = build()
    init_default_scope('mmnoisy')
    plain = MODELS.build(SEGMENTOR)
    missing = model.load_state_dict(plain.state_dict(), strict=True)
    assert not missing.missing_keys and not missing.unexpected_keys
    model.eval()
    plain.eval()
    inputs, samples = batch(['labeled'])
    a = model.predict(inputs, samples)[0].seg_logits.data
    inputs, samples = batch(['labeled'])
    b = plain.predict(inputs, samples)[0].seg_logits.data
    torch.testing.assert_close(a, b)


def test_bad_arguments():
    with pytest.raises(ValueError, match='normalization'):
        build(normalization='pixels')
    with pytest.raises(ValueError, match='both supervised and unsupervised'):
        build(sup_sources=('labeled', 'pseudo'))


def test_decode_head_ohem_sampler_weights_each_source():
    ce = dict(type='CrossEntropyLoss', avg_non_ignore=True)
    inputs, samples = batch(['labeled', 'pseudo'])
    plain = build(sup_loss=ce).loss(inputs, samples)
    # thresh 1.0 keeps every valid pixel: the plain loss
    keep_all = dict(SEGMENTOR, decode_head=dict(
        SEGMENTOR['decode_head'], sampler=dict(type='OHEMPixelSampler', thresh=1.0)))
    init_default_scope('mmnoisy')
    torch.manual_seed(0)
    model = MODELS.build(dict(type='SemiSupervisedSegmentor', segmentor=keep_all, sup_loss=ce))
    losses = model.loss(inputs, samples)
    for key in ('sup_loss_ce', 'unsup_loss_ce'):
        assert losses[key].item() == pytest.approx(plain[key].item(), rel=1e-5)
    # the 10 hardest pixels per image only: as mmseg's head computes it
    hard = dict(SEGMENTOR, decode_head=dict(
        SEGMENTOR['decode_head'], sampler=dict(type='OHEMPixelSampler', thresh=0.0,
                                               min_kept=10)))
    torch.manual_seed(0)
    model = MODELS.build(dict(type='SemiSupervisedSegmentor', segmentor=hard, sup_loss=ce))
    losses = model.loss(inputs, samples)
    head = model.segmentor.decode_head
    logits = torch.nn.functional.interpolate(
        head(model.segmentor.extract_feat(inputs)), size=(32, 32), mode='bilinear')
    labels = torch.stack([s.gt_sem_seg.data[0] for s in samples])
    weight = head.sampler.sample(logits[1:], labels[1:].unsqueeze(1))
    assert int(weight.sum()) == 10  # below the 11th lowest true-class probability
    expected = MODELS.build(ce)(logits[1:], labels[1:], weight=weight, ignore_index=255)
    assert losses['unsup_loss_ce'].item() == pytest.approx(expected.item(), rel=1e-5)
    assert losses['unsup_loss_ce'] < plain['unsup_loss_ce']  # fewer pixels, same denominator


def test_ohem_weights_reach_the_dynamic_self_training_loss():
    """DST-CBC + OHEM: the sampler's weights multiply the DST loss of each source, over the
    whole batch's denominator (``avg_factor``); a loss that dropped ``weight`` would give
    the unweighted value, which differs."""
    dst = dict(sup_loss=dict(type='DynamicSelfTrainingLoss', gamma=0),
               unsup_loss=dict(type='DynamicSelfTrainingLoss', gamma=2),
               normalization='whole_batch')
    inputs, samples = batch(['labeled', 'pseudo'])
    plain = build(**dst).loss(inputs, samples)
    hard = dict(SEGMENTOR, decode_head=dict(
        SEGMENTOR['decode_head'], sampler=dict(type='OHEMPixelSampler', thresh=0.0,
                                               min_kept=10)))
    init_default_scope('mmnoisy')
    torch.manual_seed(0)
    model = MODELS.build(dict(type='SemiSupervisedSegmentor', segmentor=hard, **dst))
    losses = model.loss(inputs, samples)
    head = model.segmentor.decode_head
    logits = torch.nn.functional.interpolate(
        head(model.segmentor.extract_feat(inputs)), size=(32, 32), mode='bilinear')
    labels = torch.stack([s.gt_sem_seg.data[0] for s in samples])
    valid = int((labels != 255).sum())
    for prefix, i, loss_fn in (('sup', 0, DynamicSelfTrainingLoss(gamma=0)),
                               ('unsup', 1, DynamicSelfTrainingLoss(gamma=2))):
        weight = head.sampler.sample(logits[i:i + 1], labels[i:i + 1, None])
        assert int(weight.sum()) == 10
        expected = loss_fn(logits[i:i + 1], labels[i:i + 1], weight=weight, avg_factor=valid)
        assert losses[f'{prefix}_loss_dst'].item() == pytest.approx(expected.item(), rel=1e-5)
        dropped = loss_fn(logits[i:i + 1], labels[i:i + 1], avg_factor=valid)
        assert dropped.item() == pytest.approx(plain[f'{prefix}_loss_dst'].item(), rel=1e-5)
        assert expected.item() < 0.5 * dropped.item()  # 10 of 896 pixels: far from equal


def test_loss_lists_sum_by_name_like_loss_decode():
    ce = dict(type='CrossEntropyLoss', avg_non_ignore=True)
    inputs, samples = batch(['labeled', 'pseudo'])
    single = build(sup_loss=ce).loss(inputs, samples)
    twice = build(sup_loss=[ce, dict(ce, loss_weight=2.0)],
                  unsup_loss=[ce, dict(ce, loss_name='loss_other')]).loss(inputs, samples)
    assert twice['sup_loss_ce'].item() == pytest.approx(3 * single['sup_loss_ce'].item(),
                                                        rel=1e-5)
    assert twice['unsup_loss_other'].item() == pytest.approx(
        single['unsup_loss_ce'].item(), rel=1e-5)
    assert twice['sup_acc_seg'].item() == pytest.approx(single['sup_acc_seg'].item())
