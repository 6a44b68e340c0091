"""ADELE's curve fit, trigger and correction rule (methods.md §1.2, §1.4)."""
import ast
import inspect
from types import SimpleNamespace

import numpy as np
import pytest

from mmnoisy.engine.hooks.adele import (NEVER, AdaptiveLabelCorrectionHook, correct_label,
                                        correction_start_epoch, fit_iou_curve, iou_curve,
                                        iou_curve_derivative)


def saturating(a, b, c, records=50, interval=100, iters_per_epoch=500):
    x = np.linspace(0, records * interval / iters_per_epoch, records)
    return x, iou_curve(x, a, b, c)


def expected_start(a, b, c, r=0.9):
    """The trigger rule written out for the true parameters."""
    d = [abs(a * b / c * np.exp(-(t + 1e-6)**b / c) * (t + 1e-6)**(b - 1))
         for t in range(1, 16)]
    rel = [abs(v - d[0]) / d[0] for v in d]
    rel = [0 if v > 1 else v for v in rel]
    return sum(v <= r for v in rel) + 1


def test_fit_recovers_parameters():
    x, y = saturating(0.8, 0.7, 1.5)
    np.testing.assert_allclose(fit_iou_curve(x, y), (0.8, 0.7, 1.5), atol=1e-4)


@pytest.mark.parametrize('params, start', [((0.8, 0.7, 1.5), 7), ((0.9, 0.5, 0.5), 4),
                                           ((0.6, 1.0, 2.0), 6), ((0.5, 0.9, 3.0), 10)])
def test_start_epoch_on_saturating_curves(params, start):
    _, y = saturating(*params)
    assert correction_start_epoch(y, 100, 500) == start == expected_start(*params)


def test_start_epoch_uses_interval_and_epoch_length():
    # The same 50 records spread over 20 epochs instead of 10 describe a slower curve.
    x, y = saturating(0.8, 0.7, 1.5, interval=200)
    assert correction_start_epoch(y, 200, 500) == expected_start(0.8, 0.7, 1.5)
    assert correction_start_epoch(y, 100, 500) != correction_start_epoch(y, 200, 500)


def test_start_epoch_never():
    assert correction_start_epoch(np.linspace(0, 0.05, 50), 100, 500) == NEVER  # linear
    assert correction_start_epoch(np.zeros(50), 100, 500) == NEVER  # absent class
    assert correction_start_epoch([0.1, 0.2], 100, 500) == NEVER  # too few records


def test_derivative_offset():
    # f'(0) is finite only thanks to the 1e-6 offset of the released code (b < 1).
    assert np.isfinite(iou_curve_derivative(0, 0.8, 0.5, 1.0))


BG, CAT, DOG, CAR = 0, 1, 2, 3


def test_skip_without_triggered_class():
    label = np.array([[CAT, CAT], [BG, BG]], np.uint8)
    pred = np.array([[DOG, DOG], [DOG, DOG]])
    out = correct_label(label, pred, np.ones((2, 2)), [BG, DOG])
    np.testing.assert_array_equal(out, label)


def test_background_only_label_is_corrected():
    label = np.array([[BG, BG, BG, 255]], np.uint8)
    pred = np.array([[CAT, BG, CAR, CAT]])
    out = correct_label(label, pred, np.full((1, 4), 0.9), [BG, CAT])
    np.testing.assert_array_equal(out, [[CAT, BG, BG, CAT]])  # CAR not triggered


def test_class_constraint_and_threshold():
    label = np.array([[CAT] * 4 + [BG] * 4], np.uint8)
    pred = np.array([[CAT, DOG, BG, BG, CAT, CAT, DOG, CAT]])
    prob = np.array([[0.9, 0.9, 0.9, 0.8, 0.81, 0.5, 0.9, 0.95]])
    out = correct_label(label, pred, prob, [BG, CAT, DOG])
    # DOG is triggered but absent from the label: disallowed. tau is strict (0.8 -> no).
    np.testing.assert_array_equal(out, [[CAT, CAT, BG, CAT, CAT, BG, BG, CAT]])
    # Without rule 2 the confident DOG pixels are taken, in the object and in the background.
    out = correct_label(label, pred, prob, [BG, CAT, DOG], class_constraint=False)
    np.testing.assert_array_equal(out, [[CAT, DOG, BG, CAT, CAT, BG, DOG, CAT]])
    # A label of one wrong class whose true class triggered: rule 1 still skips it while
    # its own class has not triggered, and corrects it once it has.
    wrong = np.array([[DOG, DOG, BG]], np.uint8)
    pred, prob = np.array([[CAT, CAT, BG]]), np.full((1, 3), 0.9)
    np.testing.assert_array_equal(
        correct_label(wrong, pred, prob, [BG, CAT], class_constraint=False), wrong)
    np.testing.assert_array_equal(correct_label(wrong, pred, prob, [BG, CAT, DOG]), wrong)
    np.testing.assert_array_equal(
        correct_label(wrong, pred, prob, [BG, CAT, DOG], class_constraint=False),
        [[CAT, CAT, BG]])


def test_ignore_pixels_filled():
    label = np.array([[CAT, 255, 255, BG]], np.uint8)
    pred = np.array([[CAT, CAT, BG, CAT]])
    out = correct_label(label, pred, np.full((1, 4), 0.99), [BG, CAT])
    np.testing.assert_array_equal(out, [[CAT, CAT, BG, CAT]])
    assert out.dtype == np.uint8


def test_safety_rule():
    label = np.zeros((10, 10), np.uint8)
    label[0, :4] = CAT  # 4 foreground pixels
    pred = np.zeros((10, 10), np.int64)
    pred[0, :1] = CAT  # would keep 1 of 4 and leave 99% background: refused
    out = correct_label(label, pred, np.ones((10, 10)), [BG, CAT])
    np.testing.assert_array_equal(out, label)
    pred[0, :2] = CAT  # keeps half: accepted
    out = correct_label(label, pred, np.ones((10, 10)), [BG, CAT])
    assert np.count_nonzero(out) == 2


def test_hook_state_round_trip():
    hook = AdaptiveLabelCorrectionHook()
    hook.curves['noisy'] = [[0.1, 0.2], [0.3, 0.4]]
    hook.triggered, hook.start_epochs = {1: 3}, {1: 3}
    hook.label_set, hook.corrected = 'adele_labels/epoch_3', ['a.png']
    checkpoint = {}
    hook.before_save_checkpoint(None, checkpoint)
    restored = AdaptiveLabelCorrectionHook()
    restored.after_load_checkpoint(SimpleNamespace(_resume=True), checkpoint)
    assert restored.state_dict() == hook.state_dict()
    fine_tuned = AdaptiveLabelCorrectionHook()  # load_from: a new run on the old weights
    fine_tuned.after_load_checkpoint(SimpleNamespace(_resume=False), checkpoint)
    assert fine_tuned.state_dict() == AdaptiveLabelCorrectionHook().state_dict()


def imported_modules(module):
    tree = ast.parse(inspect.getsource(module))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names.add('.' * node.level + (node.module or ''))
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_layers_and_reexports():
    """The maths (evaluation), the rule (pseudo) and the inference (models) import nothing
    from the engine; the plots take the maths from evaluation, not from the hook (no cycle);
    the hook module still offers the names that moved."""
    from mmnoisy.engine.hooks import adele, adele_plots
    from mmnoisy.evaluation import early_learning
    from mmnoisy.models.segmentors import multi_scale_inference
    from mmnoisy.pseudo import label_correction
    for module in (early_learning, label_correction, multi_scale_inference, adele_plots):
        assert not any('engine' in name or name.startswith('.adele')
                       for name in imported_modules(module)), module.__name__
    assert 'mmnoisy.evaluation.early_learning' in imported_modules(adele_plots)
    assert not any(name.startswith('mmnoisy.') and name.split('.')[1] in ('engine', 'pseudo')
                   for name in imported_modules(multi_scale_inference))
    assert adele.correction_start_epoch is early_learning.correction_start_epoch
    assert adele.correct_label is label_correction.correct_label
    assert adele.predict_multiscale is label_correction.predict_multiscale
