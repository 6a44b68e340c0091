"""ADELE: adaptive early-learning label correction (Liu et al., CVPR 2022; paper 000).

The training IoU of each class against the noisy labels rises fast while the model learns
the clean majority, then slowly while it memorises the noise. ADELE fits
``f(t) = a (1 - exp(-t^b / c))`` to each class's curve and, once the derivative has dropped
by a fraction ``r`` of its value at epoch 1, starts correcting that class at the end of each
epoch from the model's multi-scale predictions (methods.md §1.2-1.4).

This module is the hook only: when to record, fit, trigger and correct, and the files and
checkpoint state of that. The curve maths is :mod:`mmnoisy.evaluation.early_learning`, the
predictions and the correction rule are :mod:`mmnoisy.pseudo.label_correction`; their
names are re-exported here for existing imports.
"""
import json
import os
import os.path as osp
import shutil
import time
from typing import Dict, List, Optional, Sequence, Union

import mmcv
import numpy as np
from mmengine import dist
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.runner import EpochBasedTrainLoop

from mmnoisy.datasets.correctable import CorrectableLabelDataset
from mmnoisy.datasets.label_io import read_label, write_label
from mmnoisy.engine.checkpoint import is_resuming
from mmnoisy.evaluation.early_learning import (NEVER, correction_start_epoch, fit_iou_curve,
                                               iou_curve, iou_curve_derivative)
from mmnoisy.pseudo.dense_crf import DenseCRFParams, require_pydensecrf
from mmnoisy.pseudo.label_correction import correct_label, predict_multiscale
from mmnoisy.registry import HOOKS
from mmnoisy.utils.errors import CheckpointError
from mmnoisy.utils.progress import progress
from .adele_plots import plot_class_curves
from .adele_report import CorrectionStats, log_pass, record_scalars, tag, trigger_scalars

__all__ = [
    'AdaptiveLabelCorrectionHook', 'NEVER', 'correct_label', 'correction_start_epoch',
    'fit_iou_curve', 'iou_curve', 'iou_curve_derivative', 'predict_multiscale'
]


@HOOKS.register_module()
class AdaptiveLabelCorrectionHook(Hook):
    """ADELE's per-class memorization detection and label correction (paper 000, §2.2).

    Needs :class:`mmnoisy.models.ADELESegmentor` (it accumulates the training IoU against
    the original noisy labels during the training forward), an ``EpochBasedTrainLoop`` and,
    to correct, a :class:`mmnoisy.datasets.CorrectableLabelDataset` train set.

    Every ``interval`` iterations the per-class training IoU since the last record (summed
    over ranks) is appended to its curve. At the end of each epoch every foreground class
    not yet triggered is fitted (:func:`correction_start_epoch`) and triggers when the epoch
    that ended is ``>=`` its start epoch; a triggered class stays triggered. Once any class
    has triggered, each training image is predicted at ``scales`` (from epoch
    ``flip_from_epoch`` on, flipped too and, with ``crf``, refined by a dense CRF, as the
    released ``evaluate_aug_epoch``) and corrected by :func:`correct_label` with the
    background and the triggered classes. Labels that differ from the original are written to
    ``work_dir/adele_labels/epoch_<k>/`` (ranks split the images; the folder appears
    atomically when complete) and every rank's dataset reads them from the next epoch.
    Curves, triggers and the label set are saved in checkpoints, so ``--resume`` continues
    them. With clean labels in the batch (``gt_clean_sem_seg``) the IoU_el / IoU_m curves of
    paper §2.1 are recorded too. Curves go to ``work_dir/adele_curves.json`` each epoch and
    are plotted per class (``work_dir/adele_curves/<class>.png``) at the end of training.

    Through ``runner.visualizer`` (TensorBoard, W&B, ... as its ``vis_backends`` say), with
    the number of training iterations done as the step: at each record the per-class
    ``adele/train_iou/<class>`` (and ``adele/iou_el/<class>``, ``adele/iou_m/<class>``); at
    each epoch end ``adele/start_epoch/<class>`` (the fitted start epoch, 16 = not
    flattened) and ``adele/triggered/<class>`` (0/1); after each correction pass
    ``adele/changed_pixels``, ``adele/changed_images`` and the same per update class (pixels
    relabelled to it, images with such a pixel; against the original labels); at the end the
    per-class plots as images ``adele_curves_<NN>_<class>``. A pass that changes no label
    logs a WARNING with the likely reason.

    Args:
        interval (int): Iterations between IoU records. Default: 100.
        r (float): Relative derivative drop that triggers a class. Default: 0.9.
        tau (float): Confidence needed to change a pixel. Default: 0.8.
        scales (Sequence[float]): Prediction scales (paper text: 0.7). Default:
            (0.75, 1.0, 1.5).
        flip_from_epoch (int): First (0-based) epoch whose correction adds flipped views
            (and the CRF). Default: 9.
        temperature (float): Softmax temperature of the predictions. Default: 3.0.
        crf (bool | dict): Refine the predictions with one mean-field iteration of a dense
            CRF (:class:`mmnoisy.pseudo.DenseCRFParams`; True: the released kernels, a dict
            overrides them) before the confidence test. The released code's default is off;
            the authors' example command turns it on (``--CRF yes``). Needs pydensecrf.
            Default: False.
        reset_to_initial (bool): Correct the original noisy labels each time (as released)
            instead of the latest corrected ones. Default: True.
        class_constraint (bool): Keep rule 2 of the correction (as released): a pixel may
            only take a class the image's label already holds. False lets the correction
            fix objects labelled with a wrong class (docs/adele.md, "Which noise ADELE
            corrects"). Default: True.
        correct (bool): False records and plots the curves only (plain training with
            diagnostics). Default: True.
        plot (bool): Save the per-class PNGs at the end of training. Default: True.
    """
    priority = 'NORMAL'  # before CheckpointHook (VERY_LOW) saves the epoch's state

    def __init__(self, interval: int = 100, r: float = 0.9, tau: float = 0.8,
                 scales: Sequence[float] = (0.75, 1.0, 1.5), flip_from_epoch: int = 9,
                 temperature: float = 3.0, crf: Union[bool, dict] = False,
                 reset_to_initial: bool = True, class_constraint: bool = True,
                 correct: bool = True, plot: bool = True):
        self.interval = interval
        self.r = r
        self.tau = tau
        self.scales = tuple(scales)
        self.flip_from_epoch = flip_from_epoch
        self.temperature = temperature
        self.crf = DenseCRFParams.build(crf)
        if self.crf is not None and correct:
            require_pydensecrf()  # fail at build time, not after the first trigger
        self.reset_to_initial = reset_to_initial
        self.class_constraint = class_constraint
        self.correct = correct
        self.plot = plot
        self.curves: Dict[str, List[List[float]]] = dict(noisy=[], el=[], m=[])
        self.triggered: Dict[int, int] = {}  # class -> epoch it triggered at
        self.start_epochs: Dict[int, int] = {}
        self.label_set: Optional[str] = None  # folder relative to work_dir
        self.corrected: List[str] = []
        self.timings: List[dict] = []

    # ------------------------------------------------------------------ wiring
    @staticmethod
    def _model(runner):
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        if not hasattr(model, 'train_iou'):
            raise TypeError(f'AdaptiveLabelCorrectionHook needs model.type=ADELESegmentor (it '
                            f'records the training IoU); got {type(model).__name__}')
        return model

    @staticmethod
    def _dataset(runner) -> CorrectableLabelDataset:
        dataset = runner.train_loop.dataloader.dataset
        if not isinstance(dataset, CorrectableLabelDataset):
            raise TypeError('AdaptiveLabelCorrectionHook(correct=True) needs '
                            'train_dataloader.dataset.type=CorrectableLabelDataset wrapping '
                            f'the train set; got {type(dataset).__name__}')
        return dataset

    def before_train(self, runner) -> None:
        self._model(runner)
        if not isinstance(runner.train_loop, EpochBasedTrainLoop):
            raise TypeError('AdaptiveLabelCorrectionHook corrects at epoch ends: use '
                            "train_cfg=dict(type='EpochBasedTrainLoop', ...), got "
                            f'{type(runner.train_loop).__name__}')
        if self.correct:
            self._apply_label_set(runner)

    def _apply_label_set(self, runner) -> None:
        # The dataset publishes the change to its loader workers, persistent ones included.
        label_dir = osp.join(runner.work_dir, self.label_set) if self.label_set else None
        self._dataset(runner).set_label_set(label_dir, self.corrected)

    # ------------------------------------------------------------------ curves
    def before_train_epoch(self, runner) -> None:
        self._model(runner).train_iou.reset()

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if not self.every_n_train_iters(runner, self.interval):
            return
        stats = self._model(runner).train_iou
        if dist.get_world_size() > 1:
            stats.all_reduce()
        recorded = {}
        for name in self.curves:
            iou = stats.iou(name)
            if iou is not None:
                recorded[name] = [float(v) for v in iou]
                self.curves[name].append(recorded[name])
        stats.reset()
        names = self._classes(runner)
        if recorded:  # step = iterations done, as mmengine's own training scalars (loss, lr)
            runner.visualizer.add_scalars(record_scalars(recorded, names),
                                          step=runner.iter + 1)
        if 'el' in recorded:
            print_log('ADELE IoU_el/IoU_m (%): ' + ', '.join(
                f'{n} {100 * e:.1f}/{100 * m:.1f}'
                for n, e, m in zip(names[1:], recorded['el'][1:], recorded['m'][1:])),
                logger='current')

    def after_train_epoch(self, runner) -> None:
        epoch = runner.epoch  # 0-based epoch that just ended
        history = np.asarray(self.curves['noisy'])
        iters_per_epoch = len(runner.train_loop.dataloader)
        num_classes = history.shape[1] if history.size else 0
        for cls in range(1, num_classes):
            if cls in self.triggered:
                continue
            start = correction_start_epoch(history[:, cls], self.interval, iters_per_epoch,
                                           self.r)
            self.start_epochs[cls] = start
            if epoch >= start:
                self.triggered[cls] = epoch
        if self.triggered:
            print_log(f'ADELE epoch {epoch}: start epochs {self.start_epochs}, triggered '
                      f'(class: epoch) {self.triggered}', logger='current')
        if self.start_epochs:
            runner.visualizer.add_scalars(
                trigger_scalars(self.start_epochs, self.triggered, self._classes(runner)),
                step=runner.iter)
        if self.correct and self.triggered:
            self._correct(runner, epoch, [0] + sorted(self.triggered))
        if dist.is_main_process():
            self._dump_curves(runner)

    # ------------------------------------------------------------------ correction
    def _correct(self, runner, epoch: int, update_classes: List[int]) -> None:
        dataset = self._dataset(runner)
        model = self._model(runner)
        rank, world_size = dist.get_dist_info()
        final = osp.join('adele_labels', f'epoch_{epoch}')
        tmp_dir = osp.join(runner.work_dir, final + '.tmp')
        if rank == 0 and osp.isdir(tmp_dir):
            shutil.rmtree(tmp_dir)
        dist.barrier()
        was_training = model.training
        model.eval()
        flip = epoch >= self.flip_from_epoch
        crf = self.crf if flip else None
        stats = CorrectionStats(dataset.metainfo['classes'], update_classes, self.tau)
        indices = range(rank, len(dataset), world_size)
        # Rank 0's share stands for all: every rank's bar would interleave on one terminal.
        bar = (progress(len(indices), f'ADELE correction after epoch {epoch}')
               if rank == 0 else None)
        written, t_pred, t_rule = [], 0.0, 0.0
        start = time.perf_counter()
        for idx in indices:
            info = dataset.get_data_info(idx)
            name = dataset.label_name(info)
            original, palette = read_label(info['noisy_seg_map_path'])
            current = original if self.reset_to_initial else read_label(info['seg_map_path'])[0]
            t0 = time.perf_counter()
            pred, max_prob = predict_multiscale(model, mmcv.imread(info['img_path']),
                                                self.scales, flip, self.temperature, crf)
            t1 = time.perf_counter()
            new = correct_label(current, pred, max_prob, update_classes, self.tau,
                                self.class_constraint)
            if not np.array_equal(new, original):
                write_label(osp.join(tmp_dir, name), new, palette)
                written.append(name)
            t_rule += time.perf_counter() - t1
            t_pred += t1 - t0
            stats.add(original, current, new, pred, max_prob)
            if bar is not None:
                bar.update()
        model.train(was_training)
        parts = dist.all_gather_object((written, stats))
        names = sorted(n for part, _ in parts for n in part)
        stats = CorrectionStats.merge([part for _, part in parts])
        if rank == 0:
            os.makedirs(tmp_dir, exist_ok=True)
            target = osp.join(runner.work_dir, final)
            if osp.isdir(target):
                shutil.rmtree(target)
            os.replace(tmp_dir, target)  # the label set appears complete or not at all
        dist.barrier()
        self.label_set, self.corrected = final, names
        self._apply_label_set(runner)
        timing = dict(epoch=epoch, seconds=time.perf_counter() - start, predict=t_pred,
                      rule_and_write=t_rule, images=len(dataset), changed=len(names),
                      classes=update_classes, flip=flip, crf=crf is not None)
        self.timings.append(timing)
        log_pass(stats, f'ADELE correction after epoch {epoch}', len(dataset), self.temperature,
                 f'{timing["seconds"]:.1f} s (prediction {t_pred:.1f} s, rule+write '
                 f'{t_rule:.1f} s on rank {rank})')
        runner.visualizer.add_scalars(stats.scalars(), step=runner.iter)

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict:
        return dict(curves=self.curves, triggered=self.triggered,
                    start_epochs=self.start_epochs, label_set=self.label_set,
                    corrected=self.corrected, timings=self.timings)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint['adele'] = self.state_dict()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        state = checkpoint.get('adele')
        # `load_from` (fine-tuning from an earlier run) starts fresh curves: only --resume
        # continues that run's curves, triggers and label set.
        if state is None or not is_resuming(runner):
            return
        self.curves = {k: list(v) for k, v in state['curves'].items()}
        self.triggered = {int(k): v for k, v in state['triggered'].items()}
        self.start_epochs = {int(k): v for k, v in state['start_epochs'].items()}
        label_set = state['label_set']
        if label_set and (osp.isabs(label_set) or osp.normpath(label_set).startswith('..')):
            raise CheckpointError(
                f'the resumed checkpoint records its ADELE label set as {label_set}, outside '
                f'the work dir {runner.work_dir}; refused (it would read another run\'s '
                'labels). Resume in the run\'s own work dir, or start fresh with load_from')
        self.label_set, self.corrected = label_set, list(state['corrected'])
        self.timings = list(state.get('timings', []))

    # ------------------------------------------------------------------ diagnostics
    @staticmethod
    def _classes(runner) -> Sequence[str]:
        return runner.train_loop.dataloader.dataset.metainfo['classes']

    def _dump_curves(self, runner) -> None:
        state = dict(self.state_dict(), interval=self.interval,
                     iters_per_epoch=len(runner.train_loop.dataloader),
                     classes=list(runner.train_loop.dataloader.dataset.metainfo['classes']))
        path = osp.join(runner.work_dir, 'adele_curves.json')
        with open(path + '.tmp', 'w') as f:
            json.dump(state, f)
        os.replace(path + '.tmp', path)

    def after_train(self, runner) -> None:
        if self.plot and dist.is_main_process() and self.curves['noisy']:
            paths = plot_class_curves(osp.join(runner.work_dir, 'adele_curves.json'),
                                      osp.join(runner.work_dir, 'adele_curves'))
            for path in paths:  # the same figures, for TensorBoard & co.
                name = tag(osp.splitext(osp.basename(path))[0])
                runner.visualizer.add_image(f'adele_curves_{name}',
                                            mmcv.imread(path, channel_order='rgb'),
                                            step=runner.iter)
