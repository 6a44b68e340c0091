"""Both modes of the multi-scale consistency loss against values computed by hand."""
import math

import pytest
import torch

from mmnoisy.models.losses import multiscale_consistency_loss

# Three scales, one image, two classes, 1 x 2 pixels; pixel 1 is ignored in the label.
Z = [[[2.0, 0.0], [0.0, 0.0]], [[3.0, 1.0], [0.0, 1.0]], [[2.5, -1.0], [0.0, 0.0]]]
LABEL = [[0, 255]]


def softmax(v):
    e = [math.exp(x) for x in v]
    return [x / sum(e) for x in e]


def pixel(z_scale, i):
    """The 2-class logit vector of pixel ``i`` at one scale."""
    return [z_scale[0][i], z_scale[1][i]]


def kl(p, q):
    return sum(pi * math.log(pi / qi) for pi, qi in zip(p, q))


def logits():
    return [torch.tensor(z).view(1, 2, 1, 2).requires_grad_() for z in Z]


def test_paper_mode_by_hand():
    out = multiscale_consistency_loss(logits(), torch.tensor([LABEL]), rho=0.8)
    # CE per scale on the one labelled pixel (class 0), averaged over scales.
    ce = sum(-math.log(softmax(pixel(z, 0))[0]) for z in Z) / 3
    cons = 0.0
    for i in range(2):
        ps = [softmax(pixel(z, i)) for z in Z]
        q = [sum(p[c] for p in ps) / 3 for c in range(2)]
        if max(q) > 0.8:  # pixel 0: max q = 0.919; pixel 1: 0.577 -> masked out
            cons += sum(kl(p, q) for p in ps) / 3
    cons /= 2  # mean over all pixels
    assert out['loss_ce'].item() == pytest.approx(ce, rel=1e-5)
    assert out['loss_consistency'].item() == pytest.approx(cons, rel=1e-5)
    assert out['loss_consistency'].item() == pytest.approx(0.002939, rel=1e-3)  # worked on paper


def test_paper_mode_detaches_target_and_threshold_is_strict():
    z = logits()
    out = multiscale_consistency_loss(z, torch.tensor([LABEL]), rho=0.999)
    assert out['loss_consistency'].item() == 0
    out = multiscale_consistency_loss(z, torch.tensor([LABEL]), rho=0.8)
    out['loss_consistency'].backward()
    assert z[0].grad is not None


def test_reference_mode_by_hand():
    mixture = torch.tensor([0.0, 1.0, -1.0], requires_grad=True)
    out = multiscale_consistency_loss(logits(), torch.tensor([LABEL]), rho=0.8,
                                      mode='reference', mixture=mixture)
    w = softmax([0.0, 1.0, -1.0])
    # CE of the weight-scaled logits, summed over scales, mean over BOTH pixels.
    ce = sum(-math.log(softmax([ws * v for v in pixel(z, 0)])[0]) for z, ws in zip(Z, w)) / 2
    # q = clamp(sum_s w_s p_s); one mask bit for the image: max q over the labelled pixel.
    qs, kls = [], 0.0
    for i in range(2):
        ps = [softmax(pixel(z, i)) for z in Z]
        q = [min(max(sum(ws * p[c] for ws, p in zip(w, ps)), 1e-3), 1 - 1e-3)
             for c in range(2)]
        qs.append(q)
        kls += sum(kl(p, q) for p in ps)  # summed over scales, not averaged
    assert max(qs[0]) >= 0.8  # the image's bit is on: pixel 1 counts although q < 0.8 there
    cons = kls / 2
    assert out['loss_ce'].item() == pytest.approx(ce, rel=1e-5)
    assert out['loss_consistency'].item() == pytest.approx(cons, rel=1e-5)
    (out['loss_ce'] + out['loss_consistency']).backward()
    assert mixture.grad.abs().sum() > 0  # the mixture weights are trained


def test_reference_mask_is_per_image_and_ignores_unlabelled_pixels():
    # Only the unlabelled pixel is confident: the image's bit is off.
    z = [torch.tensor([[[0.0, 9.0]], [[0.0, 0.0]]]).view(1, 2, 1, 2)] * 3
    out = multiscale_consistency_loss(z, torch.tensor([LABEL]), mode='reference')
    assert out['loss_consistency'].item() == 0


def test_bad_inputs():
    with pytest.raises(ValueError, match='mode'):
        multiscale_consistency_loss(logits(), torch.tensor([LABEL]), mode='released')
    with pytest.raises(ValueError, match='label size'):
        multiscale_consistency_loss(logits(), torch.zeros(1, 2, 2, dtype=torch.long))


@pytest.mark.parametrize('mode', ['paper', 'reference'])
def test_saturated_logits_keep_gradients_finite(mode):
    """A confident model's softmax underflows to exactly 0 in float32 (margin > ~104); the
    KL terms must still give finite gradients (``p * log p`` at p = 0 gave nan)."""
    logits = [torch.zeros(2, 3, 4, 4, requires_grad=True) for _ in range(3)]
    with torch.no_grad():
        for z in logits:
            z[:, 0] = 120.0
    label = torch.zeros(2, 4, 4, dtype=torch.long)
    out = multiscale_consistency_loss(logits, label, mode=mode)
    (out['loss_ce'] + out['loss_consistency']).backward()
    for z in logits:
        assert torch.isfinite(z.grad).all()
    assert torch.isfinite(out['loss_consistency'])


@pytest.mark.parametrize('mode', ['paper', 'reference'])
def test_registered_loss_is_the_functions_term(mode):
    from mmnoisy.models.losses import MultiScaleConsistencyLoss
    from mmnoisy.registry import MODELS
    loss_fn = MODELS.build(dict(type='MultiScaleConsistencyLoss', rho=0.8, mode=mode,
                                loss_weight=2.0))
    assert isinstance(loss_fn, MultiScaleConsistencyLoss)
    assert loss_fn.loss_name == 'loss_consistency'
    mixture = torch.tensor([0.0, 1.0, -1.0])
    label = torch.tensor([LABEL])
    term = multiscale_consistency_loss(logits(), label, rho=0.8, mode=mode,
                                       mixture=mixture)['loss_consistency']
    assert loss_fn(logits(), label, mixture=mixture).item() == pytest.approx(
        2.0 * term.item(), rel=1e-6)
    # per pixel: the ignored pixel carries the term too; a weight map scales each pixel
    per_pixel = loss_fn(logits(), label, mixture=mixture, reduction_override='none')
    assert per_pixel.shape == (1, 1, 2)
    assert per_pixel.mean().item() == pytest.approx(2.0 * term.item(), rel=1e-6)
    weighted = loss_fn(logits(), label, mixture=mixture, weight=torch.tensor([[[1.0, 0.0]]]))
    assert weighted.item() == pytest.approx(per_pixel[0, 0, 0].item() / 2, rel=1e-6)
    assert loss_fn(logits(), label, mixture=mixture, avg_factor=1).item() == pytest.approx(
        per_pixel.sum().item(), rel=1e-6)


def test_registered_loss_needs_the_list_of_scales():
    from mmnoisy.models.losses import MultiScaleConsistencyLoss
    with pytest.raises(ValueError, match='>= 2 logit maps'):
        MultiScaleConsistencyLoss()(logits()[0], torch.tensor([LABEL]))
    with pytest.raises(ValueError, match='mode'):
        MultiScaleConsistencyLoss(mode='released')
