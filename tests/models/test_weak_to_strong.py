"""FixMatch, UniMatch and UniMatch V2 segmentors against the released training steps
(LiheYoung/UniMatch ``fixmatch.py`` / ``unimatch.py``, LiheYoung/UniMatch-V2
``unimatch_v2.py``), restated below in their own style on a fixed batch: the losses, the
threshold, the CutMix of images and targets, the denominators and the weights."""
import math

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mmnoisy.models.segmentors import unimatch as unimatch_module
from mmnoisy.models.segmentors import unimatch_v2 as unimatch_v2_module
from mmnoisy.models.segmentors import weak_to_strong
from mmnoisy.models.segmentors.unimatch_v2 import complementary_dropout
from mmnoisy.models.segmentors.weak_to_strong import PseudoLabels, padding_mask
from mmnoisy.models.utils import cutmix_boxes, paste
from mmnoisy.registry import MODELS
from mmnoisy.utils.errors import ConfigError

C, H, W = 3, 8, 8
THRESH = 0.5


@MODELS.register_module(force=True)
class PixelwiseToyBackbone(nn.Module):
    """A 1x1 conv: per-pixel predictions, no batch statistics, so the released step and the
    segmentor see the same logits whatever the batch composition."""

    def __init__(self, channels: int = 6, bn: bool = False):
        super().__init__()
        self.conv = nn.Conv2d(3, channels, 1)
        self.bn = nn.BatchNorm2d(channels) if bn else nn.Identity()

    def forward(self, x):
        return [torch.tanh(self.bn(self.conv(x)))]


@pytest.fixture(autouse=True)
def mmnoisy_scope():
    init_default_scope('mmnoisy')


def toy_segmentor(bn=False, **kwargs):
    student = dict(
        type='EncoderDecoder',
        data_preprocessor=dict(type='SegDataPreProcessor', size=(H, W)),
        backbone=dict(type='PixelwiseToyBackbone', bn=bn),
        decode_head=dict(type='FCNHead', in_channels=6, channels=6, num_convs=0,
                         concat_input=False, dropout_ratio=0.0, num_classes=C,
                         norm_cfg=None, align_corners=False,
                         loss_decode=dict(type='CrossEntropyLoss', avg_non_ignore=True)))
    torch.manual_seed(0)
    model = MODELS.build(dict(segmentor=student, conf_thresh=THRESH, **kwargs))
    return model


def make_batch(num_labeled=2, num_unlabeled=4, views=2, pad_last=True):
    """(inputs, data_samples) as the data preprocessor hands them over."""
    g = torch.Generator().manual_seed(1)
    n = num_labeled + num_unlabeled
    inputs = torch.randn(n, 3, H, W, generator=g)
    samples = []
    for i in range(n):
        sample = SegDataSample()
        padding = (0, 0, 0, 0)
        if i < num_labeled:
            label = torch.randint(0, C, (1, H, W), generator=g)
            label[0, 0, :3] = 255
            sample.gt_sem_seg = PixelData(data=label)
        else:
            sample.strong_views = torch.randn(views, 3, H, W, generator=g)
            if pad_last and i == n - 1:
                padding = (0, 2, 0, 3)  # right, bottom
        sample.set_metainfo(dict(padding_size=padding, img_shape=(H, W)))
        samples.append(sample)
    return inputs, samples


def logits_of(model, x, feats_fn=None):
    """Released ``model(x)``: head logits upsampled to the input."""
    feats = model.segmentor.extract_feat(x)
    if feats_fn is not None:
        feats = feats_fn(feats)
    out = model.segmentor.decode_head.forward(feats)
    return F.interpolate(out, x.shape[-2:], mode='bilinear', align_corners=False)


def released_unsup(criterion_u, pred, mask, conf, ignore):
    loss = criterion_u(pred, mask)
    loss = loss * ((conf >= THRESH) & (ignore != 255))
    return loss.sum() / (ignore != 255).sum().item()


def cutmixed(box, mask, conf, ignore, mask_mix, conf_mix, ignore_mix):
    mask, conf, ignore = mask.clone(), conf.clone(), ignore.clone()
    mask[box == 1] = mask_mix[box == 1]
    conf[box == 1] = conf_mix[box == 1]
    ignore[box == 1] = ignore_mix[box == 1]
    return mask, conf, ignore


@pytest.fixture
def known_boxes(monkeypatch):
    """The boxes the segmentor draws, in order, replaced by known ones; returns them and
    the list of draws made."""
    first = torch.zeros(2, H, W, dtype=torch.bool)
    first[0, 1:5, 2:7] = True  # image 1 has no box
    second = torch.zeros(2, H, W, dtype=torch.bool)
    second[1, 4:8, 0:3] = True
    boxes, drawn = [first, second], []

    def draw(num, size, **kwargs):
        drawn.append(size)
        return boxes[len(drawn) - 1][:num]

    monkeypatch.setattr(weak_to_strong, 'cutmix_boxes', draw)
    return boxes, drawn


def total(losses):
    return sum(v for k, v in losses.items() if 'loss' in k)


def test_unimatch_loss_equals_the_released_step(monkeypatch, known_boxes):
    model = toy_segmentor(type='UniMatchSegmentor').train()
    channel_keep = torch.tensor([1., 0., 2., 2., 0., 1.]).view(1, 6, 1, 1)
    monkeypatch.setattr(unimatch_module, 'with_feature_dropout',
                        lambda feats, p: [torch.cat((f, f * channel_keep)) for f in feats])
    inputs, samples = make_batch()
    losses = model.loss(inputs, samples)

    # --- the released step (unimatch.py), on the same tensors
    box1, box2 = (b.long() for b in known_boxes[0])
    criterion_u = nn.CrossEntropyLoss(reduction='none')
    img_x, mask_x = inputs[:2], torch.stack([s.gt_sem_seg.data[0] for s in samples[:2]])
    img_u_w, img_u_w_mix = inputs[2:4], inputs[4:6]
    strong = torch.stack([s.strong_views for s in samples[2:]])
    img_u_s1, img_u_s2 = strong[:2, 0].clone(), strong[:2, 1].clone()
    img_u_s1_mix, img_u_s2_mix = strong[2:, 0], strong[2:, 1]
    ignore = torch.zeros(4, H, W, dtype=torch.long)
    ignore[3, :, W - 2:] = 255
    ignore[3, H - 3:, :] = 255
    ignore_mask, ignore_mask_mix = ignore[:2], ignore[2:]
    with torch.no_grad():
        pred_u_w_mix = logits_of(model, img_u_w_mix)
        conf_u_w_mix, mask_u_w_mix = pred_u_w_mix.softmax(1).max(1)
    img_u_s1[box1.unsqueeze(1).expand(img_u_s1.shape) == 1] = \
        img_u_s1_mix[box1.unsqueeze(1).expand(img_u_s1.shape) == 1]
    img_u_s2[box2.unsqueeze(1).expand(img_u_s2.shape) == 1] = \
        img_u_s2_mix[box2.unsqueeze(1).expand(img_u_s2.shape) == 1]
    x_w = torch.cat((img_x, img_u_w))
    preds = logits_of(model, x_w)
    preds_fp = logits_of(model, x_w, lambda feats: [f * channel_keep for f in feats])
    pred_x, pred_u_w = preds.split([2, 2])
    pred_u_w_fp = preds_fp[2:]
    pred_u_s1, pred_u_s2 = logits_of(model, torch.cat((img_u_s1, img_u_s2))).chunk(2)
    pred_u_w = pred_u_w.detach()
    conf_u_w, mask_u_w = pred_u_w.softmax(1).max(1)
    mixed1 = cutmixed(box1, mask_u_w, conf_u_w, ignore_mask, mask_u_w_mix, conf_u_w_mix,
                      ignore_mask_mix)
    mixed2 = cutmixed(box2, mask_u_w, conf_u_w, ignore_mask, mask_u_w_mix, conf_u_w_mix,
                      ignore_mask_mix)
    loss_x = nn.CrossEntropyLoss(ignore_index=255)(pred_x, mask_x)
    loss_u_s1 = released_unsup(criterion_u, pred_u_s1, *mixed1)
    loss_u_s2 = released_unsup(criterion_u, pred_u_s2, *mixed2)
    loss_u_w_fp = released_unsup(criterion_u, pred_u_w_fp, mask_u_w, conf_u_w, ignore_mask)
    loss = (loss_x + loss_u_s1 * 0.25 + loss_u_s2 * 0.25 + loss_u_w_fp * 0.5) / 2.0
    mask_ratio = ((conf_u_w >= THRESH) & (ignore_mask != 255)).sum().item() / \
        (ignore_mask != 255).sum()

    torch.testing.assert_close(losses['sup_loss_ce'], loss_x / 2)
    torch.testing.assert_close(losses['unsup_loss_s1'], loss_u_s1 * 0.125)
    torch.testing.assert_close(losses['unsup_loss_s2'], loss_u_s2 * 0.125)
    torch.testing.assert_close(losses['unsup_loss_fp'], loss_u_w_fp * 0.25)
    torch.testing.assert_close(total(losses), loss)
    torch.testing.assert_close(losses['mask_ratio'], mask_ratio.float())
    assert 0 < mask_ratio < 1  # the threshold masks some pixels and keeps others
    assert len(known_boxes[1]) == 2


def test_fixmatch_loss_equals_the_released_step(known_boxes):
    model = toy_segmentor(type='FixMatchSegmentor').train()
    inputs, samples = make_batch(views=1)
    losses = model.loss(inputs, samples)

    box = known_boxes[0][0].long()
    img_x, mask_x = inputs[:2], torch.stack([s.gt_sem_seg.data[0] for s in samples[:2]])
    strong = torch.stack([s.strong_views[0] for s in samples[2:]])
    img_u_s = strong[:2].clone()
    ignore = torch.zeros(4, H, W, dtype=torch.long)
    ignore[3, :, W - 2:] = 255
    ignore[3, H - 3:, :] = 255
    with torch.no_grad():
        conf_mix, mask_mix = logits_of(model, inputs[4:6]).softmax(1).max(1)
    img_u_s[box.unsqueeze(1).expand(img_u_s.shape) == 1] = \
        strong[2:][box.unsqueeze(1).expand(img_u_s.shape) == 1]
    pred_x, pred_u_w = logits_of(model, inputs[:4]).split([2, 2])
    pred_u_s = logits_of(model, img_u_s)
    conf_u_w, mask_u_w = pred_u_w.detach().softmax(1).max(1)
    mixed = cutmixed(box, mask_u_w, conf_u_w, ignore[:2], mask_mix, conf_mix, ignore[2:])
    loss_x = nn.CrossEntropyLoss(ignore_index=255)(pred_x, mask_x)
    loss_u_s = released_unsup(nn.CrossEntropyLoss(reduction='none'), pred_u_s, *mixed)
    torch.testing.assert_close(total(losses), (loss_x + loss_u_s) / 2.0)
    assert len(known_boxes[1]) == 1  # one strong view, one box


def test_unimatch_v2_loss_equals_the_released_step(monkeypatch, known_boxes):
    model = toy_segmentor(type='UniMatchV2Segmentor').train()
    with torch.no_grad():  # a teacher that differs from the student
        for p in model.teacher.parameters():
            p.add_(0.3)
    mask = torch.tensor([[2., 0., 1., 2., 0., 2.], [1., 1., 1., 1., 1., 1.]])
    full_mask = torch.cat((mask, 2.0 - mask)).view(4, 6, 1, 1)
    monkeypatch.setattr(unimatch_v2_module, 'complementary_dropout',
                        lambda feats, keep: [f * full_mask for f in feats])
    inputs, samples = make_batch(num_unlabeled=2)
    losses = model.loss(inputs, samples)

    box1, box2 = (b.long() for b in known_boxes[0])
    img_x, mask_x = inputs[:2], torch.stack([s.gt_sem_seg.data[0] for s in samples[:2]])
    img_u_w = inputs[2:]
    strong = torch.stack([s.strong_views for s in samples[2:]])
    img_u_s1, img_u_s2 = strong[:, 0].clone(), strong[:, 1].clone()
    ignore_mask = torch.zeros(2, H, W, dtype=torch.long)
    ignore_mask[1, :, W - 2:] = 255
    ignore_mask[1, H - 3:, :] = 255
    teacher = model.teacher
    with torch.no_grad():
        pred_u_w = F.interpolate(teacher.decode_head.forward(teacher.extract_feat(img_u_w)),
                                 (H, W), mode='bilinear', align_corners=False)
        conf_u_w, mask_u_w = pred_u_w.softmax(1).max(1)
    img_u_s1[box1.unsqueeze(1).expand(img_u_s1.shape) == 1] = \
        img_u_s1.flip(0)[box1.unsqueeze(1).expand(img_u_s1.shape) == 1]
    img_u_s2[box2.unsqueeze(1).expand(img_u_s2.shape) == 1] = \
        img_u_s2.flip(0)[box2.unsqueeze(1).expand(img_u_s2.shape) == 1]
    pred_x = logits_of(model, img_x)
    pred_u_s1, pred_u_s2 = logits_of(model, torch.cat((img_u_s1, img_u_s2)),
                                     lambda feats: [f * full_mask for f in feats]).chunk(2)
    flipped = (mask_u_w.flip(0), conf_u_w.flip(0), ignore_mask.flip(0))
    mixed1 = cutmixed(box1, mask_u_w, conf_u_w, ignore_mask, *flipped)
    mixed2 = cutmixed(box2, mask_u_w, conf_u_w, ignore_mask, *flipped)
    criterion_u = nn.CrossEntropyLoss(reduction='none')
    loss_x = nn.CrossEntropyLoss(ignore_index=255)(pred_x, mask_x)
    loss_u_s = (released_unsup(criterion_u, pred_u_s1, *mixed1) +
                released_unsup(criterion_u, pred_u_s2, *mixed2)) / 2.0
    torch.testing.assert_close(total(losses), (loss_x + loss_u_s) / 2.0)
    # the labels came from the teacher: with the student's they differ
    assert not torch.equal(logits_of(model, img_u_w).argmax(1), mask_u_w)


def test_unsup_loss_by_hand():
    """Two classes, three pixels: confidences 0.9 / 0.6 / 0.95, the last one padded.
    Threshold 0.8 keeps pixel 0 only; the denominator is the 2 unpadded pixels."""
    model = toy_segmentor(type='UniMatchSegmentor')
    model.conf_thresh = 0.8
    logits = torch.tensor([[[[2.0, 0.0, -1.0]], [[0.0, 1.0, 1.0]]]])  # (1, 2, 1, 3)
    target = PseudoLabels(label=torch.tensor([[[1, 1, 0]]]),
                          conf=torch.tensor([[[0.9, 0.6, 0.95]]]),
                          ignore=torch.tensor([[[0, 0, 255]]]))
    loss = model.unsup_loss('s1', logits, target)['unsup_loss_s1']
    ce_pixel0 = math.log(1 + math.exp(2.0))  # -log softmax of class 1 at logits (2, 0)
    assert loss.item() == pytest.approx(0.125 * ce_pixel0 / 2, rel=1e-6)


def test_paste_moves_every_map_with_the_same_box():
    box = torch.zeros(2, 4, 4, dtype=torch.bool)
    box[0, 1:3, 0:2] = True
    image, image_mix = torch.zeros(2, 3, 4, 4), torch.ones(2, 3, 4, 4)
    label, label_mix = torch.zeros(2, 4, 4, dtype=torch.long), torch.full((2, 4, 4), 7)
    conf, conf_mix = torch.zeros(2, 4, 4), torch.full((2, 4, 4), 0.5)
    ignore, ignore_mix = torch.zeros(2, 4, 4, dtype=torch.long), torch.full((2, 4, 4), 255)
    out = paste(box, (image, label, conf, ignore), (image_mix, label_mix, conf_mix, ignore_mix))
    for mixed, source in zip(out, (image_mix, label_mix, conf_mix, ignore_mix)):
        inside = box.unsqueeze(1).expand_as(mixed) if mixed.dim() == 4 else box
        assert torch.equal(mixed[inside], source[inside])
        assert (mixed[~inside] == 0).all()
    assert image.sum() == 0  # the targets are not modified


def test_cutmix_boxes_follow_the_released_sampling():
    g = torch.Generator().manual_seed(0)
    assert not cutmix_boxes(16, (32, 32), prob=0.0, generator=g).any()
    boxes = cutmix_boxes(64, (32, 48), prob=1.0, generator=g)
    for box in boxes:
        rows, cols = box.any(1).nonzero(), box.any(0).nonzero()
        h, w = len(rows), len(cols)
        assert box.sum() == h * w  # one rectangle
        assert 0.02 * 32 * 48 * 0.5 <= h * w <= 0.4 * 32 * 48
    half = cutmix_boxes(400, (16, 16), prob=0.5, generator=g).flatten(1).any(1).float().mean()
    assert 0.4 < half < 0.6


def test_complementary_dropout_masks():
    torch.manual_seed(0)
    feats = [torch.ones(8, 16, 2, 2), torch.ones(8, 16, 2, 2) * 3]
    out = complementary_dropout(feats, keep_ratio=0.5)
    first, second = out[0][:4, :, 0, 0], out[0][4:, :, 0, 0]
    torch.testing.assert_close(first + second, torch.full_like(first, 2.0))
    kept = (first == 1).all(1)
    assert kept.sum() == 2  # int(4 * 0.5) images keep every channel in both views
    assert set(first[~kept].unique().tolist()) <= {0.0, 2.0}
    torch.testing.assert_close(out[1], out[0] * 3)  # one mask shared by equally wide levels


def test_padding_mask_from_the_preprocessor_padding():
    samples = [SegDataSample(metainfo=dict(padding_size=(0, 2, 0, 1))),
               SegDataSample(metainfo=dict(padding_size=(0, 0, 0, 0)))]
    mask = padding_mask(samples, (4, 5), 'cpu')
    assert mask[0, :, 3:].eq(255).all() and mask[0, 3, :].eq(255).all()
    assert mask[0, :3, :3].eq(0).all() and mask[1].eq(0).all()


def test_batches_without_unlabelled_images_or_views_are_refused():
    model = toy_segmentor(type='UniMatchSegmentor')
    inputs, samples = make_batch(num_unlabeled=0)
    with pytest.raises(ConfigError, match="semi_data='online'"):
        model.loss(inputs, samples)
    inputs, samples = make_batch(views=1)
    with pytest.raises(ConfigError, match='num_views=2'):
        model.loss(inputs, samples)
    inputs, samples = make_batch(num_unlabeled=3)
    with pytest.raises(ConfigError, match='even'):
        model.loss(inputs, samples)


def test_plain_checkpoint_loads_into_student_and_teacher():
    model = toy_segmentor(type='UniMatchV2Segmentor')
    plain = {k: torch.full_like(v, 0.25) for k, v in model.student.state_dict().items()}
    model.load_state_dict(plain)
    for net in (model.student, model.teacher):
        assert all((v == 0.25).all() for v in net.state_dict().values())
    assert model.teacher.training is False and not any(
        p.requires_grad for p in model.teacher.parameters())
    model.train()
    assert model.teacher.training is False


def test_predict_on_teacher_uses_the_ema_model():
    model = toy_segmentor(type='UniMatchV2Segmentor', predict_on='teacher').eval()
    with torch.no_grad():
        for p in model.teacher.parameters():
            p.mul_(-1)
    x = torch.randn(1, 3, H, W)
    teacher_out = model._forward(x)
    model.predict_on = 'student'
    assert not torch.allclose(model._forward(x), teacher_out)
    with pytest.raises(ConfigError, match="teacher='ema'"):
        toy_segmentor(type='UniMatchSegmentor', predict_on='teacher')


def test_dsbn_routes_the_strong_views_through_the_aux_branch():
    """UniMatch with DSBN: the weak forward of cat(x, u_w) normalises with ``main``, the one
    forward of both strong views with ``aux``; the mixing batch is labelled in eval mode,
    which updates neither."""
    model = toy_segmentor(bn=True, type='UniMatchSegmentor', dsbn=True).train()
    inputs, samples = make_batch()
    total(model.loss(inputs, samples)).backward()
    dsbn = model.student.backbone.bn
    assert dsbn.main.num_batches_tracked == 1 and dsbn.aux.num_batches_tracked == 1
    assert dsbn.aux.weight.grad is not None and dsbn.main.weight.grad is not None
