import math

import pytest
import torch

from mmnoisy.pseudo import ClassConfidenceStats


def released_threshold(values, ratio):
    """DST-CBC as released: sorted ascending, value at [-int(len * ratio) - 1]."""
    ordered = sorted(values)
    return ordered[-int(len(ordered) * ratio) - 1]


def random_predictions(seed=0, n=20000, classes=4):
    g = torch.Generator().manual_seed(seed)
    prob = torch.rand(n, generator=g)
    pred = torch.randint(0, classes - 1, (n, ), generator=g)  # class 3 never predicted
    return prob, pred


@pytest.mark.parametrize('ratio', [0.2, 0.5, 0.8, 0.999])
def test_exact_mode_matches_released_quantile(ratio):
    prob, pred = random_predictions()
    stats = ClassConfidenceStats(4, mode='exact')
    for chunk in range(4):  # streamed in chunks like images
        stats.update(prob[chunk::4], pred[chunk::4])
    thresholds = stats.thresholds(ratio)
    for c in range(3):
        assert thresholds[c].item() == released_threshold(prob[pred == c].tolist(), ratio)
    assert math.isnan(thresholds[3])  # never predicted: no threshold, no crash


@pytest.mark.parametrize('ratio', [0.2, 0.6, 0.95])
def test_histogram_within_one_bin_of_exact(ratio):
    prob, pred = random_predictions(seed=1)
    exact = ClassConfidenceStats(4, mode='exact')
    hist = ClassConfidenceStats(4, mode='histogram', num_bins=500)
    exact.update(prob, pred)
    hist.update(prob, pred)
    difference = (exact.thresholds(ratio)[:3] - hist.thresholds(ratio)[:3]).abs()
    assert (difference <= 1 / 500).all()
    assert (hist.thresholds(ratio)[:3] <= exact.thresholds(ratio)[:3]).all()  # lower edge


def test_memory_is_independent_of_data_size():
    stats = ClassConfidenceStats(3, num_bins=100)
    for seed in range(5):
        prob, pred = random_predictions(seed, classes=3)
        stats.update(prob, pred)
    assert stats.counts.shape == (3, 100) and int(stats.counts.sum()) == 5 * 20000


def test_pixel_stride_and_ratio_validation():
    prob, pred = random_predictions()
    stats = ClassConfidenceStats(4, mode='exact', pixel_stride=16)
    stats.update(prob, pred)
    assert int(stats.pixel_counts().sum()) == math.ceil(20000 / 16)
    for bad in (0, -0.1, 1.5):
        with pytest.raises(ValueError, match='ratio'):
            stats.thresholds(bad)
