"""Per-class plots of ADELE's curves: training IoU with its fit and trigger, IoU_el/IoU_m."""
import json
import os
import os.path as osp

import numpy as np

from mmnoisy.evaluation.early_learning import correction_start_epoch, fit_iou_curve, iou_curve


def plot_class_curves(curves_json: str, out_dir: str) -> list:
    """One PNG per foreground class from ``adele_curves.json``; returns the paths.

    Shows the training IoU against the noisy labels, the fitted curve on the whole history,
    the epoch the class triggered (dashed), and IoU_el / IoU_m when clean labels were given.

    Args:
        curves_json (str): The hook's ``work_dir/adele_curves.json``.
        out_dir (str): Folder of the PNGs (created).
    """
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    with open(curves_json) as f:
        state = json.load(f)
    noisy = np.asarray(state['curves']['noisy'])
    el, m = (np.asarray(state['curves'][k]) for k in ('el', 'm'))
    x = np.linspace(0, len(noisy) * state['interval'] / state['iters_per_epoch'], len(noisy))
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for cls in range(1, noisy.shape[1]):
        name = state['classes'][cls]
        fig, ax = plt.subplots(figsize=(5, 3.5))
        ax.plot(x, noisy[:, cls], '.', color='tab:blue', label='train IoU (noisy labels)')
        start = correction_start_epoch(noisy[:, cls], state['interval'],
                                       state['iters_per_epoch'])
        try:
            a, b, c = fit_iou_curve(x, noisy[:, cls])
            t = np.linspace(0, x[-1], 200)
            ax.plot(t, iou_curve(t, a, b, c), color='tab:blue', alpha=0.6,
                    label=f'fit, start epoch {start}')
        except (RuntimeError, ValueError):
            pass
        if len(el) == len(noisy):
            ax.plot(x, el[:, cls], color='tab:green', label='IoU_el')
            ax.plot(x, m[:, cls], color='tab:red', label='IoU_m')
        triggered = state['triggered'].get(str(cls), state['triggered'].get(cls))
        if triggered is not None:
            ax.axvline(triggered + 1, color='k', ls='--', label=f'corrected from epoch '
                       f'{triggered + 1}')
        ax.set(xlabel='epoch', ylabel='IoU', ylim=(0, 1), title=name)
        ax.legend(fontsize=7)
        fig.tight_layout()
        path = osp.join(out_dir, f'{cls:02d}_{name}.png')
        fig.savefig(path, dpi=80)
        plt.close(fig)
        paths.append(path)
    return paths
