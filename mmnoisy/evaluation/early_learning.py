"""When a class stops early learning and starts memorizing: ADELE's curve maths (paper 000).

The training IoU of each class against the noisy labels rises fast while the model learns the
clean majority, then slowly while it memorises the noise. ADELE fits
``f(t) = a (1 - exp(-t^b / c))`` to each class's curve and starts correcting the class once
the derivative has dropped by a fraction ``r`` of its value at epoch 1 (methods.md §1.2).

This is a measurement of the training curve, so it lives in ``evaluation/`` next to
:class:`~mmnoisy.evaluation.TrainIoUAccumulator`, which records that curve. It depends on
numpy and scipy only: the hook that acts on it (``engine/hooks/adele.py``) and the plots
(``engine/hooks/adele_plots.py``) both import it from here, and neither imports the other's
module for the maths.
"""
from typing import Sequence, Tuple

import numpy as np
from scipy.optimize import curve_fit

# correction_start_epoch when the curve has not flattened within 15 epochs. As in the released
# code, a class with this start epoch is still corrected from epoch 16 in longer runs.
NEVER = 16
CHECK_EPOCHS = np.arange(1, NEVER)
DERIVATIVE_OFFSET = 1e-6  # the released code evaluates f' at t + 1e-6 (t**(b-1) at 0)


def iou_curve(t, a, b, c):
    """The saturating model ``a * (1 - exp(-t**b / c))``."""
    return a * (1 - np.exp(-(t**b) / c))


def iou_curve_derivative(t, a, b, c):
    """``f'(t) = a*b/c * exp(-t**b/c) * t**(b-1)``, at ``t + 1e-6`` as released."""
    t = np.asarray(t, np.float64) + DERIVATIVE_OFFSET
    return a * b / c * np.exp(-(t**b) / c) * t**(b - 1)


def fit_iou_curve(x: Sequence[float], y: Sequence[float]) -> Tuple[float, float, float]:
    """Least-squares fit of :func:`iou_curve` to a training-IoU curve, as released.

    ``p0=(1, 1, 1)``, bounds ``a, b in [0, 1]``, ``c >= 0``, per-point
    ``sigma = geomspace(1, 0.1, len(y))`` (late points weigh 100x more), ``method='trf'``.

    Args:
        x (Sequence[float]): Time of each point, in epochs.
        y (Sequence[float]): Training IoU at each point.

    Returns:
        tuple[float, float, float]: ``(a, b, c)``.
    """
    y = np.asarray(y, np.float64)
    with np.errstate(all='ignore'):
        popt, _ = curve_fit(iou_curve, np.asarray(x, np.float64), y, p0=(1, 1, 1),
                            sigma=np.geomspace(1, 0.1, len(y)), absolute_sigma=True,
                            bounds=([0, 0, 0], [1, 1, np.inf]), method='trf')
    return tuple(float(v) for v in popt)


def correction_start_epoch(iou_history: Sequence[float], interval: int,
                           iters_per_epoch: float, r: float = 0.9) -> int:
    """The epoch from which a class is corrected (:data:`NEVER` = 16: not within epochs 1-15).

    The curve is placed on ``x = linspace(0, len(y) * interval / iters_per_epoch, len(y))``
    and fitted (:func:`fit_iou_curve`); for t = 1..15,
    ``rel(t) = | |f'(t)| - |f'(1)| | / |f'(1)|``, entries above 1 are set to 0, and the
    answer is ``count(rel <= r) + 1``. A class triggers when the (0-based) epoch that just
    ended is ``>=`` this, so in runs longer than 16 epochs even :data:`NEVER` triggers at
    epoch 16, as released. A flat or failed fit (``f'(1)`` zero or not finite, fewer than 3
    records) also gives :data:`NEVER` instead of NaN comparisons.

    Args:
        iou_history (Sequence[float]): The class's training IoU, one value per record.
        interval (int): Iterations between records.
        iters_per_epoch (float): Iterations per epoch.
        r (float): Relative drop of the derivative that marks memorization. Default: 0.9.

    Returns:
        int: The first (0-based) epoch end at which the class triggers.
    """
    y = np.asarray(iou_history, np.float64)
    if len(y) < 3 or not np.all(np.isfinite(y)):
        return NEVER
    x = np.linspace(0, len(y) * interval / iters_per_epoch, len(y))
    try:
        a, b, c = fit_iou_curve(x, y)
    except (RuntimeError, ValueError):
        return NEVER
    with np.errstate(all='ignore'):
        d1 = abs(iou_curve_derivative(1, a, b, c))
        if not np.isfinite(d1) or d1 == 0:
            return NEVER
        rel = np.abs(np.abs(iou_curve_derivative(CHECK_EPOCHS, a, b, c)) - d1) / d1
    rel[rel > 1] = 0
    return int(np.sum(rel <= r)) + 1
