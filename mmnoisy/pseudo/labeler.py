import logging
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine import dist
from mmengine.logging import print_log
from PIL import Image
from torch.utils.data import DataLoader

from mmnoisy.registry import TASK_UTILS
from mmnoisy.utils.config_keys import checks_config_keys
from mmnoisy.utils.constants import IGNORE_INDEX
from mmnoisy.utils.errors import ConfigError
from mmnoisy.utils.output_dir import (check_output_dir, publish_output_dir, stage_output_dir,
                                      staging_dir)
from mmnoisy.utils.progress import progress
from .report import NO_THRESHOLD_HINT, PseudoLabelReport, classes_without_threshold
from .rules import RULES
from .thresholds import ClassConfidenceStats
from .tta import predict_probabilities
from .writer import write_label_png

TOOL = 'pseudo_label'  # the name in a pseudo-label folder's marker file


@TASK_UTILS.register_module()
@checks_config_keys('train_cfg.pseudo_labeler')
class PseudoLabeler:
    """Offline pseudo-labelling of a dataset with a trained model.

    Two passes over the data when thresholds are needed: the first streams per-class
    confidence statistics and fixes class-balanced thresholds for ``ratio``; the second
    labels every image and writes ``<out_dir>/<id>.png`` (255 = ignore) atomically, plus
    ``report.json`` / ``report.md`` (coverage; precision and IoU when the samples carry
    ground truth) and a few overlays in ``<out_dir>/overlays/``. The log gets the same
    numbers (pixels per class included) and a warning when a pass labels no pixel, or no
    pixel of some class; a visualiser, if given, the numbers as scalars and the overlays
    as images. The dataloader's sampler splits the images across ranks; statistics are
    summed over ranks. Every rank writes into ``<out_dir>.partial``, which the main process
    renames to ``out_dir`` once the labels and the report are complete (see
    :mod:`mmnoisy.utils.output_dir`).

    Args:
        rule (str): 'ratio' (DST-CBC as released: ``argmax(p/t)``, ignore where
            ``max(p/t) < 1``), 'max' (DST-CBC paper: ``argmax p`` kept if
            ``max p > t[argmax]``) or 'argmax' (every pixel, no threshold). A ratio of 1
            always labels every pixel. Default: 'ratio'.
        scales (Sequence[float]): Test-time scales. Default: (1.0, ).
        flip (bool): Add horizontally flipped views. Default: False.
        fusion (str): 'probs' (mean of softmaxes) or 'logits' (sum of logits). Default:
            'probs'.
        stats_mode (str): 'histogram' or 'exact' thresholds. Default: 'histogram'.
        num_bins (int): Histogram bins. Default: 1000.
        pixel_stride (int): Subsample pixels for the statistics. Default: 1.
        num_overlays (int): Overlay PNGs to save for a person to look at. Default: 4.
    """

    def __init__(self,
                 rule: str = 'ratio',
                 scales: Sequence[float] = (1.0, ),
                 flip: bool = False,
                 fusion: str = 'probs',
                 stats_mode: str = 'histogram',
                 num_bins: int = 1000,
                 pixel_stride: int = 1,
                 num_overlays: int = 4):
        if rule not in RULES:
            raise ValueError(f'rule must be one of {sorted(RULES)}, got {rule!r}')
        self.rule = rule
        self.scales = tuple(scales)
        self.flip = flip
        self.fusion = fusion
        self.stats_mode = stats_mode
        self.num_bins = num_bins
        self.pixel_stride = pixel_stride
        self.num_overlays = num_overlays

    def settings(self) -> Dict:
        """What decides the labels besides the model and the ratio (recorded in
        ``report.json``, compared by :class:`ReusedPseudoLabels`)."""
        return dict(rule=self.rule, scales=list(self.scales), flip=self.flip,
                    fusion=self.fusion, stats_mode=self.stats_mode, num_bins=self.num_bins,
                    pixel_stride=self.pixel_stride)

    def needs_thresholds(self, ratio: Optional[float]) -> bool:
        return self.rule != 'argmax' and ratio is not None and ratio < 1

    @torch.no_grad()
    def run(self, model: torch.nn.Module, dataloader: DataLoader, out_dir: str,
            ratio: Optional[float] = None, visualizer=None, step: int = 0,
            threshold: Optional[float] = None) -> Dict:
        """Pseudo-label every sample of ``dataloader`` into ``out_dir``; return the report.

        Args:
            model: A trained mmseg segmentor (or a wrapper of one).
            dataloader: Unlabelled images through a test pipeline (with ``LoadAnnotations``
                only when ground truth exists, for the report). Its sampler must not pad.
            out_dir (str): Output folder: new, empty or earlier pseudo labels (replaced);
                never the dataset's image or label folder, inside or around them. Written
                as ``<out_dir>.partial`` and renamed into place when complete, so that an
                interrupted run never leaves an incomplete label set under ``out_dir``.
            ratio (float, optional): Share of each class's pixels to keep, in (0, 1].
            visualizer (mmengine.visualization.Visualizer, optional): Also receives the
                report's quality scalars (:meth:`PseudoLabelReport.scalars`) and the
                overlays as images ``pseudo_overlay_<k>``. Default: None (files only).
            step (int): The visualiser's step (e.g. the runner's iteration). Default: 0.
            threshold (float, optional): One confidence threshold for every class instead
                of a ratio: the argmax is kept where its probability reaches it, the rule
                of FixMatch and UniMatch (e.g. 0.95), to see what their unlabelled loss
                would learn from this model. Default: None.
        """
        check_ratio(ratio)
        check_threshold(threshold, ratio, self.rule)
        dataset = dataloader.dataset
        classes = dataset.metainfo['classes']
        staging = self._stage(out_dir, dataset)
        was_training = model.training
        model.eval()
        thresholds = None
        if threshold is not None:
            # with equal thresholds both rules keep argmax p where max p >= threshold
            thresholds = torch.full((len(classes), ), float(threshold))
        elif self.needs_thresholds(ratio):
            stats = ClassConfidenceStats(len(classes), self.stats_mode, self.num_bins,
                                         self.pixel_stride)
            for probs, _ in self._predict(model, dataloader, 'statistics'):
                max_prob, pred = probs.max(0)
                stats.update(max_prob, pred)
            stats.sync()
            thresholds = stats.thresholds(ratio)
            warn_classes_without_threshold(classes, thresholds)
        report, overlays = self._label(model, dataloader, staging, thresholds,
                                       keep_overlays=visualizer is not None)
        report.sync()
        summary = dict(report.summary(thresholds, ratio), labeller=self.settings())
        if threshold is not None:
            summary['threshold'] = float(threshold)
        report.log(summary)
        if dist.is_main_process():
            PseudoLabelReport.write(summary, staging)
        dist.barrier()  # every rank's labels are in the staging folder
        if dist.is_main_process():
            publish_output_dir(staging, out_dir)
        dist.barrier()  # no rank reads out_dir before it is in place
        if visualizer is not None:  # its backends write on the main process only
            show_pseudo_labels(visualizer, report.scalars(summary), overlays, step)
        model.train(was_training)
        return summary

    @staticmethod
    def label_name(dataset, img_path: str) -> str:
        """The label file of an image of ``dataset``, relative to the output folder, without
        ``.png``: the image's path under the image folder, its suffix removed."""
        return osp.relpath(img_path, dataset.data_prefix['img_path']).removesuffix(
            dataset.img_suffix)

    @classmethod
    def label_names(cls, dataset) -> List[str]:
        """:meth:`label_name` of every image of ``dataset``."""
        return [cls.label_name(dataset, dataset.get_data_info(i)['img_path'])
                for i in range(len(dataset))]

    def _label(self, model, dataloader: DataLoader, staging: str,
               thresholds: Optional[torch.Tensor], keep_overlays: bool = False
               ) -> Tuple[PseudoLabelReport, List[np.ndarray]]:
        """The labelling pass: write every label into ``staging`` and the first overlays
        into ``staging/overlays``; return this rank's report and, if ``keep_overlays``, the
        overlays (for a visualiser)."""
        dataset = dataloader.dataset
        palette = dataset.metainfo.get('palette')
        rule = RULES['argmax' if thresholds is None else self.rule]
        report = PseudoLabelReport(dataset.metainfo['classes'])
        overlays, kept = 0, []
        for probs, sample in self._predict(model, dataloader, 'labelling'):
            label = rule(probs, thresholds).to(torch.uint8)
            name = self.label_name(dataset, sample.img_path)
            write_label_png(osp.join(staging, name + '.png'), label.numpy(), palette)
            truth = sample.gt_sem_seg.data[0] if 'gt_sem_seg' in sample else None
            report.update(label, truth)
            if overlays < self.num_overlays and dist.is_main_process():
                image = np.asarray(Image.open(sample.img_path).convert('RGB'))
                panels = save_overlay(osp.join(staging, 'overlays', f'{overlays:02d}.png'),
                                      image, label.numpy(), palette)
                if keep_overlays:
                    kept.append(panels)
                overlays += 1
        return report, kept

    @staticmethod
    def _stage(out_dir: str, dataset) -> str:
        """Check ``out_dir`` on every rank (before any inference: fail fast), then make the
        staging folder that all ranks write into; return its path."""
        inputs = dataset_input_dirs(dataset)
        check_output_dir(out_dir, inputs, TOOL, staged=True)  # all ranks fail alike
        dist.barrier()  # all have checked before the main process changes anything
        if dist.is_main_process():
            stage_output_dir(out_dir, inputs, TOOL)  # removes a killed run's leftovers
        dist.barrier()
        return staging_dir(out_dir)

    def _predict(self, model, dataloader, stage):
        """Yield (probabilities (C, H, W) at the image's original size, data sample)."""
        print_log(f'pseudo labels: {stage} pass over {len(dataloader.dataset)} images',
                  logger='current')
        bar = progress(len(dataloader), f'pseudo labels ({stage})') if (
            dist.is_main_process()) else None
        for data in dataloader:
            data = model.data_preprocessor(data, False)
            for inputs, sample in zip(data['inputs'], data['data_samples']):
                probs = predict_probabilities(model, inputs[None], sample.ori_shape,
                                              self.scales, self.flip, self.fusion)[0]
                yield probs.cpu(), sample
            if bar is not None:
                bar.update()


def dataset_input_dirs(dataset) -> List[str]:
    """The image and label folders of a built mmseg dataset (those exist on disk)."""
    prefix = getattr(dataset, 'data_prefix', None) or {}
    return [folder for key in ('img_path', 'seg_map_path')
            if (folder := prefix.get(key)) and osp.isdir(folder)]


def check_threshold(threshold: Optional[float], ratio: Optional[float], rule: str) -> None:
    """Refuse a confidence threshold outside [0, 1), next to a ratio, or with the rule
    that labels every pixel (None: no threshold)."""
    if threshold is None:
        return
    if ratio is not None:
        raise ConfigError(f'give a ratio ({ratio}) or a confidence threshold ({threshold}), '
                          'not both')
    if not 0 <= threshold < 1:
        raise ConfigError(f'the confidence threshold must be in [0, 1), got {threshold}; '
                          'e.g. 0.95 (FixMatch, UniMatch)')
    if rule == 'argmax':
        raise ConfigError("rule 'argmax' labels every pixel and takes no threshold: use "
                          "rule 'ratio' or 'max'")


def check_ratio(ratio: Optional[float], where: str = 'ratio') -> None:
    """Refuse a class-balanced ratio outside (0, 1] (None: label every pixel)."""
    if ratio is not None and not 0 < ratio <= 1:
        raise ConfigError(f'{where} must be in (0, 1] (the share of each class\'s pixels '
                          f'to keep), got {ratio}; e.g. 0.2, or 1 to label every pixel')


def warn_classes_without_threshold(classes: Sequence[str], thresholds: torch.Tensor) -> None:
    """Log the classes the model never predicted: they get no threshold, so no pseudo
    labels (see :func:`classes_without_threshold`)."""
    missing = classes_without_threshold(classes, thresholds)
    if missing:
        print_log(f'pseudo labels: no threshold for {len(missing)} class(es) '
                  f'{", ".join(missing)}: {NO_THRESHOLD_HINT}', logger='current',
                  level=logging.WARNING)


def show_pseudo_labels(visualizer, scalars: Dict[str, float], overlays: Sequence[np.ndarray],
                       step: int) -> None:
    """Hand a pass's quality scalars and overlays (RGB) to an mmengine visualiser.

    Args:
        visualizer (mmengine.visualization.Visualizer): E.g. the runner's.
        scalars (dict): Tag -> value (:meth:`PseudoLabelReport.scalars`).
        overlays (Sequence[np.ndarray]): The overlays, named ``pseudo_overlay_<k>`` as the
            files ``overlays/<k>.png`` (no '/': LocalVisBackend writes the name as a file
            name in one folder).
        step (int): The step to record them at.
    """
    visualizer.add_scalars(scalars, step=step)
    for k, overlay in enumerate(overlays):
        visualizer.add_image(f'pseudo_overlay_{k:02d}', overlay, step=step)


def save_overlay(path: str, image, label: np.ndarray, palette) -> np.ndarray:
    """Image (RGB) | pseudo label in colour | ignored pixels in white, side by side; the
    overlay is saved to ``path`` and returned."""
    colours = np.array(list(palette) + [[255, 255, 255]] * (256 - len(palette)), np.uint8)
    coloured = colours[label]
    ignored = np.where((label == IGNORE_INDEX)[..., None], 255, 0).astype(np.uint8)
    ignored = np.repeat(ignored, 3, axis=2)
    panels = [image, coloured, ignored]
    os.makedirs(osp.dirname(path), exist_ok=True)
    overlay = np.concatenate(panels, axis=1)
    Image.fromarray(overlay).save(path)
    return overlay
