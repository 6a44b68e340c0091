import math

import pytest
import torch

from mmnoisy.models.losses import DynamicSelfTrainingLoss


def two_pixel_batch():
    # Image 0 (labelled): pixels with labels 0 and 255 (ignored).
    # Image 1 (pseudo): pixels with labels 1 and 0.
    logits = torch.tensor([[[[2.0, 0.0]], [[0.0, 1.0]]],
                           [[[0.0, 1.0]], [[math.log(3.0), 0.0]]]], requires_grad=True)
    label = torch.tensor([[[0, 255]], [[1, 0]]])
    return logits, label


def test_hand_computed_whole_batch_denominator():
    logits, label = two_pixel_batch()
    loss = DynamicSelfTrainingLoss(gamma=2)(logits, label,
                                            is_pseudo=torch.tensor([False, True]))
    # softmax probabilities of the labelled class at each valid pixel
    p_a = math.exp(2) / (math.exp(2) + 1)  # image 0, class 0
    p_b = 3 / (1 + 3)  # image 1 pixel 0, class 1
    p_c = math.e / (math.e + 1)  # image 1 pixel 1, class 0
    expected = (-math.log(p_a) * 1  # labelled: weight 1
                - math.log(p_b) * p_b**2 - math.log(p_c) * p_c**2) / 3  # 3 valid pixels
    assert loss.item() == pytest.approx(expected, rel=1e-6)


def test_weights_are_detached():
    logits, label = two_pixel_batch()
    loss = DynamicSelfTrainingLoss(gamma=2)(logits, label, torch.tensor([False, True]))
    loss.backward()
    # d/dz of w*CE with w constant: w * (softmax - onehot) / 3 at image 1 pixel 0
    p_b = 0.75
    expected = p_b**2 * (p_b - 1) / 3
    assert logits.grad[1, 1, 0, 0].item() == pytest.approx(expected, rel=1e-6)


def test_gamma_zero_is_plain_cross_entropy():
    logits = torch.randn(2, 4, 5, 6)
    label = torch.randint(0, 4, (2, 5, 6))
    label[0, 0, :3] = 255
    expected = torch.nn.functional.cross_entropy(logits, label, ignore_index=255)
    assert DynamicSelfTrainingLoss(gamma=0)(logits, label).item() == pytest.approx(
        expected.item(), rel=1e-6)


def test_all_pseudo_by_default_and_empty_batch():
    logits, label = two_pixel_batch()
    loss_fn = DynamicSelfTrainingLoss(gamma=3)
    default = loss_fn(logits, label)
    all_pseudo = loss_fn(logits, label, torch.tensor([True, True]))
    assert default.item() == pytest.approx(all_pseudo.item())
    ignored = torch.full_like(label, 255)
    assert loss_fn(logits, ignored).item() == 0.0
    with pytest.raises(ValueError, match='gamma'):
        DynamicSelfTrainingLoss(gamma=-1)


def test_hand_computed_pixel_weight_and_avg_factor():
    logits, label = two_pixel_batch()
    loss_fn = DynamicSelfTrainingLoss(gamma=2)
    # an OHEM-like map keeping the labelled pixel and image 1's first pixel only
    weight = torch.tensor([[[1.0, 0.0]], [[1.0, 0.0]]])
    p_a, p_b = math.exp(2) / (math.exp(2) + 1), 0.75
    kept = -math.log(p_a) * 1 - math.log(p_b) * p_b**2
    loss = loss_fn(logits, label, torch.tensor([False, True]), weight=weight)
    assert loss.item() == pytest.approx(kept / 3, rel=1e-6)  # denominator unchanged: 3 valid
    loss = loss_fn(logits, label, torch.tensor([False, True]), weight=weight, avg_factor=8)
    assert loss.item() == pytest.approx(kept / 8, rel=1e-6)
    summed = loss_fn(logits, label, torch.tensor([False, True]), weight=weight,
                     reduction_override='sum')
    assert summed.item() == pytest.approx(kept, rel=1e-6)
    per_pixel = loss_fn(logits, label, torch.tensor([False, True]), reduction_override='none')
    assert per_pixel.shape == (2, 1, 2) and per_pixel[0, 0, 1] == 0  # ignored pixel


@pytest.mark.parametrize('avg_non_ignore', [True, False])
def test_gamma_zero_equals_mmseg_cross_entropy(avg_non_ignore):
    from mmseg.models.losses import CrossEntropyLoss
    torch.manual_seed(0)
    logits = torch.randn(2, 4, 5, 6)
    label = torch.randint(0, 4, (2, 5, 6))
    label[0, 0, :3] = 255
    weight = (torch.rand(2, 5, 6) > 0.5).float()
    ours = DynamicSelfTrainingLoss(gamma=0, avg_non_ignore=avg_non_ignore, loss_weight=0.7)
    theirs = CrossEntropyLoss(avg_non_ignore=avg_non_ignore, loss_weight=0.7)
    for kwargs in (dict(), dict(weight=weight), dict(weight=weight, avg_factor=17),
                   dict(reduction_override='sum'), dict(reduction_override='none')):
        torch.testing.assert_close(ours(logits, label, ignore_index=255, **kwargs),
                                   theirs(logits, label, ignore_index=255, **kwargs))


def test_per_pixel_weights_passed_as_is_pseudo_are_refused():
    logits, label = two_pixel_batch()
    with pytest.raises(ValueError, match='weight='):
        DynamicSelfTrainingLoss()(logits, label, torch.ones(2, 1, 2))
