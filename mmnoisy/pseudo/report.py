"""What a pseudo-labelling run produced: per-class coverage and, with ground truth,
per-class precision and IoU of the pseudo labels (mmseg's IoUMetric arithmetic, through
:class:`mmnoisy.evaluation.class_areas.ClassAreas`), as JSON and markdown."""
import json
import logging
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from mmengine import dist
from mmengine.logging import print_log
from torch import Tensor

from mmnoisy.evaluation.class_areas import ClassAreas
from mmnoisy.utils.constants import IGNORE_INDEX


NO_THRESHOLD_HINT = (
    'the model predicted none of their pixels, so they get no pseudo labels. The likely '
    'cause: the class never occurs in the labelled set, so the teacher never predicts it; '
    'add labelled images that show it (or check the labelled split list).')


def classes_without_threshold(classes: Sequence[str], thresholds: Optional[Tensor]
                              ) -> List[str]:
    """Names of the classes whose threshold is NaN (never predicted by the model)."""
    if thresholds is None:
        return []
    return [name for name, t in zip(classes, thresholds.tolist()) if np.isnan(t)]


def _number(value) -> Optional[float]:
    """A metric as JSON holds it: None where it is undefined (NaN)."""
    return None if np.isnan(value) else float(value)


class PseudoLabelReport:
    """Streams the statistics of pseudo labels (memory independent of the dataset size).

    Args:
        classes (Sequence[str]): Class names.
    """

    def __init__(self, classes: Sequence[str]):
        self.classes = list(classes)
        c = len(classes)
        self.labelled = torch.zeros(c, dtype=torch.int64)  # pseudo pixels per class
        self.total_pixels = torch.zeros((), dtype=torch.int64)
        self.areas = ClassAreas(c)  # pseudo against truth, where both label a class
        self.has_truth = torch.zeros((), dtype=torch.int64)
        self.num_images = torch.zeros((), dtype=torch.int64)

    def update(self, pseudo: Tensor, truth: Optional[Tensor] = None) -> None:
        c = len(self.classes)
        pseudo = pseudo.reshape(-1).long().cpu()
        kept = pseudo != IGNORE_INDEX
        self.num_images += 1
        self.total_pixels += pseudo.numel()
        self.labelled += torch.bincount(pseudo[kept], minlength=c)
        if truth is not None:
            truth = truth.reshape(-1).long().cpu()
            both = kept & (truth != IGNORE_INDEX) & (truth < c)
            self.areas.update(pseudo[both], truth[both])
            self.has_truth += 1

    def sync(self) -> None:
        if dist.get_world_size() > 1:
            for tensor in (self.labelled, self.total_pixels, self.has_truth, self.num_images):
                dist.all_reduce(tensor, op='sum')
            self.areas.all_reduce()

    def summary(self, thresholds: Optional[Tensor] = None, ratio: Optional[float] = None
                ) -> Dict:
        total = max(int(self.total_pixels), 1)
        scores = self.areas.metrics() if self.has_truth > 0 else None
        rows = []
        for c, name in enumerate(self.classes):
            row = dict(cls=name, coverage=float(self.labelled[c]) / total)
            if thresholds is not None:
                t = float(thresholds[c])
                row['threshold'] = None if np.isnan(t) else t
            if scores is not None:  # NaN: the class has no pseudo (or no labelled) pixel
                row['precision'] = _number(scores['Precision'][c])
                row['iou'] = _number(scores['IoU'][c])
            rows.append(row)
        result = dict(num_images=int(self.num_images), ratio=ratio,
                      coverage=float(self.labelled.sum()) / total, classes=rows)
        if thresholds is not None:
            result['classes_without_threshold'] = classes_without_threshold(
                self.classes, thresholds)
        if scores is not None:
            ious = [r['iou'] for r in rows if r['iou'] is not None]
            result['miou'] = float(np.mean(ious)) if ious else None
            result['pixel_accuracy'] = _number(scores['aAcc'])
        return result

    def labelled_pixels(self) -> Dict[str, int]:
        """Pseudo-labelled pixels of each class, by class name."""
        return dict(zip(self.classes, self.labelled.tolist()))

    def log(self, summary: Dict) -> None:
        """Log what the pass labelled (:meth:`log_lines`), and a warning when it labelled no
        pixel at all or none of some classes: training would learn nothing from them."""
        for line in self.log_lines(summary):
            print_log(line, logger='current')
        empty = [name for name, count in self.labelled_pixels().items() if count == 0]
        if not self.labelled.any():
            print_log(f'pseudo labels: no pixel labelled in {summary["num_images"]} images; '
                      'every pixel is ignored, so training on them learns nothing from the '
                      'unlabelled images', logger='current', level=logging.WARNING)
        elif empty:
            print_log(f'pseudo labels: no pixel labelled as {len(empty)} of '
                      f'{len(self.classes)} classes ({", ".join(empty)}); training gets no '
                      'pseudo labels of them', logger='current', level=logging.WARNING)

    def log_lines(self, summary: Dict) -> List[str]:
        """Two log lines: the images and pixels labelled (and their scores against ground
        truth), then the labelled pixels of each class with their coverage (precision and
        IoU), all in % as in ``report.md``."""
        total, labelled = int(self.total_pixels), int(self.labelled.sum())
        scored = 'miou' in summary
        head = (f'pseudo labels: {summary["num_images"]} images, {labelled} of {total} '
                f'pixels labelled ({_fmt(summary["coverage"])}%); ')
        head += (f'vs ground truth: mIoU {_fmt(summary["miou"])}%, precision '
                 f'{_fmt(summary["pixel_accuracy"])}%' if scored else 'no ground truth')
        columns = 'coverage/precision/IoU %' if scored else 'coverage %'
        per_class = ', '.join(
            f'{row["cls"]} {count} ({_class_scores(row, scored)})'
            for row, count in zip(summary['classes'], self.labelled.tolist()))
        return [head, f'pseudo labels per class, pixels ({columns}): {per_class}']

    def scalars(self, summary: Dict, prefix: str = 'pseudo') -> Dict[str, float]:
        """The pass's quality as visualiser scalars: ``<prefix>/coverage`` and, with ground
        truth, ``<prefix>/mIoU`` and ``<prefix>/precision`` (the share of labelled pixels
        that are right: the report's ``pixel_accuracy``), as fractions, the numbers of
        ``report.json``; ``<prefix>/labelled_pixels/<class>`` counts pixels. Undefined
        scores (no pixel to score) are left out."""
        scalars = {f'{prefix}/coverage': summary['coverage'],
                   f'{prefix}/mIoU': summary.get('miou'),
                   f'{prefix}/precision': summary.get('pixel_accuracy')}
        scalars.update({f'{prefix}/labelled_pixels/{name}': count
                        for name, count in self.labelled_pixels().items()})
        return {tag: value for tag, value in scalars.items() if value is not None}

    @staticmethod
    def write(summary: Dict, out_dir: str) -> None:
        with open(osp.join(out_dir, 'report.json'), 'w') as f:
            json.dump(summary, f, indent=1)
        with open(osp.join(out_dir, 'report.md'), 'w') as f:
            f.write(to_markdown(summary))


def _fmt(value, pct=True):
    if value is None:
        return '-'
    return f'{100 * value:.2f}' if pct else f'{value:.4f}'


def _class_scores(row: Dict, scored: bool) -> str:
    scores = [row['coverage']] + ([row['precision'], row['iou']] if scored else [])
    return '/'.join(_fmt(value) for value in scores)


def _no_threshold_note(summary: Dict) -> List[str]:
    missing = summary.get('classes_without_threshold')
    if not missing:
        return []
    return [f"**Warning: no threshold for {', '.join(missing)}**: {NO_THRESHOLD_HINT}", '']


def to_markdown(summary: Dict) -> str:
    lines = [f"# Pseudo labels: {summary['num_images']} images, ratio {summary['ratio']}", '',
             f"Labelled pixels: {_fmt(summary['coverage'])}%" +
             (f"; mIoU vs ground truth: {_fmt(summary.get('miou'))}"
              if 'miou' in summary else ''), '',
             *_no_threshold_note(summary),
             '| class | threshold | coverage % | precision % | IoU % |',
             '| --- | --- | --- | --- | --- |']
    for row in summary['classes']:
        lines.append(f"| {row['cls']} | {_fmt(row.get('threshold'), pct=False)} | "
                     f"{_fmt(row['coverage'])} | {_fmt(row.get('precision'))} | "
                     f"{_fmt(row.get('iou'))} |")
    return '\n'.join(lines) + '\n'
