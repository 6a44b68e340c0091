"""CorrectionQuality against counts made by hand."""
import numpy as np

from mmnoisy.evaluation import CorrectionQuality


def test_counts_and_shares_by_hand():
    clean = np.array([[1, 1, 0, 0, 2, 255]], np.uint8)
    noisy = np.array([[1, 0, 0, 1, 1, 1]], np.uint8)
    new = np.array([[1, 1, 2, 0, 1, 0]], np.uint8)
    pred = np.array([[1, 1, 2, 0, 2, 0]])
    confident = np.array([[True, True, True, False, True, True]])
    quality = CorrectionQuality()
    quality.add(noisy, new, clean, pred, confident)
    quality.add(noisy, noisy, clean)  # an image the correction left alone
    s = quality.summary()
    # wrong: pixels 1, 3, 4 (the ignored pixel 5 never counts); changed: 1, 2, 3;
    # fixed: 1 and 3 (now their clean class); broken: 2 (was right)
    assert (s['images'], s['images_changed'], s['valid']) == (2, 1, 10)
    assert (s['wrong'], s['changed'], s['fixed'], s['broken']) == (6, 3, 2, 1)
    # predicted as the clean class: 1, 3, 4, of which 1 and 4 above the threshold
    assert (s['pred_clean'], s['pred_noisy'], s['reachable']) == (3, 0, 2)
    assert s['precision'] == 66.67 and s['recall'] == 33.33 and s['net'] == 16.67
    assert s['pred_clean_pct'] == 50.0 and s['reachable_pct'] == 33.33
    assert s['confident'] == 4 and s['confident_pct'] == 40.0  # pixels 0, 1, 2, 4 of 10


def test_memorised_errors_count_as_predicted_noisy():
    clean = np.array([[3, 3, 0]], np.uint8)
    noisy = np.array([[0, 3, 0]], np.uint8)  # the object's edge lost to background
    s = CorrectionQuality()
    s.add(noisy, noisy, clean, pred=noisy, confident=np.ones((1, 3), bool))
    summary = s.summary()
    assert summary['pred_noisy_pct'] == 100.0 and summary['reachable'] == 0
    assert summary['precision'] == 0.0  # nothing changed: no division by zero
