"""multi_scale_forward: the one multi-scale/flip inference of the segmentor, the ADELE
correction and the pseudo-labeller reproduces each site's previous loop (frozen below)."""
import pytest
import torch
import torch.nn.functional as F
from mmengine.registry import init_default_scope

from mmnoisy.models.segmentors.multi_scale_inference import multi_scale_forward
from mmnoisy.pseudo import predict_probabilities
from mmnoisy.registry import MODELS

SCALES = (0.5, 0.75, 1.0, 1.5)


def tiny_model(align_corners):
    init_default_scope('mmnoisy')
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='ADELESegmentor',
        data_preprocessor=dict(type='SegDataPreProcessor', mean=[0, 0, 0], std=[1, 1, 1]),
        backbone=dict(type='ResNetV1c', depth=18, stem_channels=8, base_channels=8,
                      out_indices=(3, ), strides=(1, 2, 1, 1), dilations=(1, 1, 2, 4)),
        decode_head=dict(type='DeepLabV2Head', in_channels=64, dilations=(1, 2), num_classes=3,
                         align_corners=align_corners))).eval()


def inputs():
    # Odd sizes, so that the two align_corners grids differ.
    return torch.rand(2, 3, 37, 45, generator=torch.Generator().manual_seed(1))


# The three loops as they were before multi_scale_forward (ADELESegmentor._forward_scales,
# the ADELE hook's predict_multiscale, pseudo/tta.py's predict_probabilities).
def segmentor_loop(model, x, scales):
    out = []
    for s in scales:
        v = x if s == 1.0 else F.interpolate(x, scale_factor=s, mode='bilinear',
                                             align_corners=model.align_corners)
        z = model.decode_head.forward(model.extract_feat(v))
        out.append(F.interpolate(z, size=x.shape[2:], mode='bilinear',
                                 align_corners=model.align_corners))
    return out


def adele_hook_loop(model, x, scales, flip, temperature):
    align, total = model.decode_head.align_corners, 0
    for s in scales:
        v = x if s == 1.0 else F.interpolate(x, scale_factor=s, mode='bilinear',
                                             align_corners=align)
        for view, flipped in [(v, False)] + ([(v.flip(-1), True)] if flip else []):
            z = F.interpolate(model.decode_head.forward(model.extract_feat(view)),
                              size=x.shape[2:], mode='bilinear', align_corners=align)
            total = total + (z.flip(-1) if flipped else z)
    return F.softmax(total / (len(scales) * (2 if flip else 1)) / temperature, dim=1)


def pseudo_labeller_loop(model, x, out_size, scales, flip, fusion, temperature):
    fused = None
    for s in scales:
        v = x if s == 1 else F.interpolate(x, scale_factor=s, mode='bilinear',
                                           align_corners=False)  # the one disagreement
        for flipped in ((False, True) if flip else (False, )):
            z = model.decode_head.forward(model.extract_feat(v.flip(-1) if flipped else v))
            z = F.interpolate(z, size=out_size, mode='bilinear',
                              align_corners=model.align_corners)
            z = z.flip(-1) if flipped else z
            term = z if fusion == 'logits' else (z / temperature).softmax(1)
            fused = term if fused is None else fused + term
    if fusion == 'logits':
        return (fused / temperature).softmax(1)
    return fused / (len(scales) * (2 if flip else 1))


@pytest.mark.parametrize('align_corners', [False, True])
def test_segmentor_views_unchanged(align_corners):
    model, x = tiny_model(align_corners), inputs()
    with torch.no_grad():
        expected = segmentor_loop(model, x, SCALES)
        got = model._forward_scales(x, SCALES)
    assert len(got) == len(SCALES)
    for e, g in zip(expected, got):
        assert torch.equal(e, g)


def test_segmentor_views_keep_gradients():
    model = tiny_model(False).train()
    sum(z.sum() for z in model._forward_scales(inputs(), (0.7, 1.0))).backward()
    assert all(p.grad is not None for p in model.decode_head.parameters())


@pytest.mark.parametrize('align_corners', [False, True])
@pytest.mark.parametrize('flip', [False, True])
def test_adele_correction_probabilities_unchanged(align_corners, flip):
    model, x = tiny_model(align_corners), inputs()
    with torch.no_grad():
        expected = adele_hook_loop(model, x, (0.75, 1.0, 1.5), flip, 3.0)
        got = multi_scale_forward(model, x, (0.75, 1.0, 1.5), flip, fusion='mean_logits',
                                  temperature=3.0)
    assert torch.equal(expected, got)


@pytest.mark.parametrize('fusion, temperature', [('probs', 1.0), ('logits', 2.0)])
def test_pseudo_labeller_unchanged_where_policies_agreed(fusion, temperature):
    """align_corners=False: the labeller's fixed False was already the model's own."""
    model, x = tiny_model(False), inputs()
    with torch.no_grad():
        expected = pseudo_labeller_loop(model, x, (40, 50), SCALES, True, fusion, temperature)
    got = predict_probabilities(model, x, (40, 50), SCALES, True, fusion, temperature)
    assert torch.equal(expected, got)


@pytest.mark.parametrize('fusion', ['probs', 'logits'])
def test_pseudo_labeller_follows_the_model_align_corners(fusion):
    """align_corners=True: each scale is now sampled on the model's grid, as the segmentor
    and the ADELE correction do. On this random tiny model the probabilities move by < 1e-3
    and no argmax changes."""
    model, x = tiny_model(True), inputs()
    with torch.no_grad():
        before = pseudo_labeller_loop(model, x, (40, 50), SCALES, True, fusion, 1.0)
        views = multi_scale_forward(model, x, SCALES, flip=True, out_size=(40, 50))
    after = predict_probabilities(model, x, (40, 50), SCALES, True, fusion)
    assert not torch.equal(before, after)
    assert (before - after).abs().max() < 1e-3
    assert torch.equal(before.argmax(1), after.argmax(1))
    # ...and equals the fusion of the function's own per-view logits.
    expected = (torch.stack(views).sum(0).softmax(1) if fusion == 'logits' else
                torch.stack([z.softmax(1) for z in views]).mean(0))
    torch.testing.assert_close(after, expected)


def test_unknown_fusion():
    with pytest.raises(ValueError, match='fusion'):
        multi_scale_forward(tiny_model(False), inputs(), fusion='max')
