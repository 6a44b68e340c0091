import torch

from mmnoisy.pseudo import label_by_argmax, label_by_max, label_by_ratio

NAN = float('nan')


def probs_of(*pixels):
    """(C, 1, W) probabilities from per-pixel class vectors."""
    return torch.tensor(pixels, dtype=torch.float32).T.unsqueeze(1)


def test_ratio_rule_is_argmax_of_scaled_scores():
    probs = probs_of([0.6, 0.4, 0.0], [0.5, 0.45, 0.05], [0.2, 0.3, 0.5])
    thresholds = torch.tensor([0.9, 0.4, 0.6])
    # pixel 0: scores 0.67, 1.0, 0 -> class 1 (not the argmax!), kept (score >= 1)
    # pixel 1: scores 0.56, 1.125, 0.08 -> class 1
    # pixel 2: scores 0.22, 0.75, 0.83 -> max < 1 -> ignored
    assert label_by_ratio(probs, thresholds).tolist() == [[1, 1, 255]]


def test_max_rule_keeps_argmax_above_its_threshold():
    probs = probs_of([0.6, 0.4, 0.0], [0.5, 0.45, 0.05], [0.2, 0.3, 0.5])
    thresholds = torch.tensor([0.55, 0.4, 0.5])
    # pixel 0: argmax 0, 0.6 > 0.55 kept; pixel 1: 0.5 > 0.55 no; pixel 2: 0.5 > 0.5 no (strict)
    assert label_by_max(probs, thresholds).tolist() == [[0, 255, 255]]


def test_classes_without_threshold_get_no_pixels():
    probs = probs_of([0.3, 0.7], [0.9, 0.1])
    thresholds = torch.tensor([0.5, NAN])
    assert label_by_ratio(probs, thresholds).tolist() == [[255, 0]]
    assert label_by_max(probs, thresholds).tolist() == [[255, 0]]


def test_argmax_rule_and_batched_input():
    probs = torch.softmax(torch.randn(2, 5, 4, 3), dim=1)
    assert torch.equal(label_by_argmax(probs), probs.argmax(1))
    thresholds = torch.full((5, ), 1e-6)
    assert torch.equal(label_by_ratio(probs, thresholds), probs.argmax(1))
