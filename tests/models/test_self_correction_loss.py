"""SelfCorrectionLoss against hand-computed values."""
import math

import pytest
import torch

from mmnoisy.models.losses import SelfCorrectionLoss

LOG_CLAMP = -math.log(1e-4)  # 9.210340


def one_image():
    """A 2-class 2x2 image: softmax p per pixel, and its pseudo label."""
    logits = torch.tensor([[[math.log(3), 0.0], [0.0, 0.0]],       # class 0
                           [[0.0, math.log(9)], [0.0, 0.0]]])[None]  # class 1
    # pixel (0,0): p = (0.75, 0.25), y = 0; (0,1): p = (0.1, 0.9), y = 0;
    # (1,0): ignored;                      (1,1): p = (0.5, 0.5), y = 1
    label = torch.tensor([[[0, 0], [255, 1]]])
    return logits, label


def test_hand_computed_value():
    logits, label = one_image()
    # (0,0): w = 0.75 -> 0.25 * -ln 0.75 + 0.75 * 9.21034 * 0.25 = 0.071921 + 1.726939
    # (0,1): w = 0.9 > 0.8 -> 1: 0 * CE + 1 * 9.21034 * (1 - 0.1) = 8.289306
    # (1,0): ignored, 0 (but counted in the mean)
    # (1,1): w = 0.5 -> 0.5 * ln 2 + 0.5 * 9.21034 * 0.5 = 0.346574 + 2.302585
    expected = (0.071921 + 1.726939 + 8.289306 + 0 + 0.346574 + 2.302585) / 4
    assert SelfCorrectionLoss()(logits, label).item() == pytest.approx(expected, abs=1e-5)
    assert expected == pytest.approx(3.184331, abs=1e-6)


def test_alpha_beta_and_loss_weight():
    logits, label = one_image()
    ce_terms = (0.25 * -math.log(0.75) + 0 + 0.5 * math.log(2)) / 4
    rce_terms = (0.75 * LOG_CLAMP * 0.25 + LOG_CLAMP * 0.9 + 0.5 * LOG_CLAMP * 0.5) / 4
    loss = SelfCorrectionLoss(alpha=0.5, beta=2.0, loss_weight=3.0)(logits, label)
    assert loss.item() == pytest.approx(3.0 * (0.5 * ce_terms + 2.0 * rce_terms), rel=1e-6)
    assert SelfCorrectionLoss(beta=0)(logits, label).item() == pytest.approx(ce_terms, rel=1e-6)


def test_ignore_index_at_call_time_and_all_ignored():
    logits, label = one_image()
    loss_fn = SelfCorrectionLoss(ignore_index=0)
    assert loss_fn(logits, label.masked_fill(label == 255, 7), ignore_index=7).item() == \
        pytest.approx(SelfCorrectionLoss()(logits, label).item())
    zero = SelfCorrectionLoss()(logits, torch.full_like(label, 255))
    assert zero.item() == 0


def test_batch_of_three_each_image_independent():
    torch.manual_seed(0)
    logits = torch.randn(3, 5, 4, 6) * 2
    label = torch.randint(0, 5, (3, 4, 6))
    label[1, :2] = 255
    loss_fn = SelfCorrectionLoss()
    singles = [loss_fn(logits[i:i + 1], label[i:i + 1]) for i in range(3)]
    assert loss_fn(logits, label).item() == pytest.approx(sum(singles).item() / 3, rel=1e-6)
    # the gradient of image 0 does not depend on images 1 and 2
    grads = []
    for others in (logits[1:], torch.randn(2, 5, 4, 6) * 5):
        batch = torch.cat([logits[:1], others]).requires_grad_()
        loss_fn(batch, label).backward()
        grads.append(batch.grad[0])
    torch.testing.assert_close(grads[0], grads[1])


def test_weight_has_no_gradient_and_rce_has():
    logits, label = one_image()
    logits.requires_grad_()
    SelfCorrectionLoss(alpha=0)(logits, label).backward()
    # only rce = 9.21 * (1 - p_y) * w, with w fixed: d/dz of -(p_y) at (1,1) with p = (.5,.5)
    # dp_1/dz_1 = p_1 (1 - p_1) = 0.25 -> -9.21034 * 0.5 * 0.25 / 4 (w = 0.5, mean over 4)
    assert logits.grad[0, 1, 1, 1].item() == pytest.approx(-LOG_CLAMP * 0.5 * 0.25 / 4)
    assert logits.grad[0, :, 1, 0].abs().sum() == 0  # ignored pixel


def test_avg_non_ignore_weight_and_avg_factor_by_hand():
    logits, label = one_image()
    terms = [0.071921 + 1.726939, 8.289306, 0.0, 0.346574 + 2.302585]  # as above, per pixel
    assert SelfCorrectionLoss(avg_non_ignore=True)(logits, label).item() == pytest.approx(
        sum(terms) / 3, abs=1e-5)  # 3 non-ignored pixels
    weight = torch.tensor([[[1.0, 0.0], [1.0, 1.0]]])  # drops pixel (0,1)
    loss_fn = SelfCorrectionLoss()
    assert loss_fn(logits, label, weight=weight).item() == pytest.approx(
        (terms[0] + terms[3]) / 4, abs=1e-5)  # the denominator still counts every pixel
    assert loss_fn(logits, label, weight=weight, avg_factor=2).item() == pytest.approx(
        (terms[0] + terms[3]) / 2, abs=1e-5)
    per_pixel = loss_fn(logits, label, reduction_override='none')
    torch.testing.assert_close(per_pixel, torch.tensor([[terms[:2], terms[2:]]]), atol=1e-5,
                               rtol=0)


@pytest.mark.parametrize('avg_non_ignore', [True, False])
def test_alpha_one_beta_zero_is_mmseg_cross_entropy_weighted_by_uncertainty(avg_non_ignore):
    """SCL's CE term is ``(1 - w) * CE``, with ``w = max p`` (1 above the threshold): with
    beta 0 it is mmseg's cross entropy given that per-pixel weight, times any sampler's."""
    from mmseg.models.losses import CrossEntropyLoss
    torch.manual_seed(0)
    logits = torch.randn(2, 5, 4, 6) * 2
    label = torch.randint(0, 5, (2, 4, 6))
    label[1, :2] = 255
    sampler_weight = (torch.rand(2, 4, 6) > 0.3).float()
    w = logits.softmax(1).amax(1)
    uncertainty = 1 - w.masked_fill(w > 0.8, 1.0)
    ours = SelfCorrectionLoss(alpha=1, beta=0, avg_non_ignore=avg_non_ignore)
    theirs = CrossEntropyLoss(avg_non_ignore=avg_non_ignore)
    for kwargs in (dict(), dict(avg_factor=13)):
        torch.testing.assert_close(
            ours(logits, label, weight=sampler_weight, ignore_index=255, **kwargs),
            theirs(logits, label, weight=uncertainty * sampler_weight, ignore_index=255,
                   **kwargs))
