import os
import os.path as osp
from typing import Dict, Optional, Sequence

import numpy as np
import torch
from mmengine import dist
from mmengine.logging import print_log
from PIL import Image
from torch.utils.data import DataLoader

from mmnoisy.registry import TASK_UTILS
from mmnoisy.utils.progress import progress
from .report import PseudoLabelReport
from .rules import IGNORE_INDEX, RULES
from .thresholds import ClassConfidenceStats
from .tta import predict_probabilities
from .writer import write_label_png


@TASK_UTILS.register_module()
class PseudoLabeler:
    """Offline pseudo-labelling of a dataset with a trained model.

    Two passes over the data when thresholds are needed: the first streams per-class
    confidence statistics and fixes class-balanced thresholds for ``ratio``; the second
    labels every image and writes ``<out_dir>/<id>.png`` (255 = ignore) atomically, plus
    ``report.json`` / ``report.md`` (coverage; precision and IoU when the samples carry
    ground truth) and a few overlays in ``<out_dir>/overlays/``. The dataloader's sampler
    splits the images across ranks; statistics are summed over ranks.

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

    def needs_thresholds(self, ratio: Optional[float]) -> bool:
        return self.rule != 'argmax' and ratio is not None and ratio < 1

    @torch.no_grad()
    def run(self, model: torch.nn.Module, dataloader: DataLoader, out_dir: str,
            ratio: Optional[float] = None) -> Dict:
        """Pseudo-label every sample of ``dataloader`` into ``out_dir``; return the report.

        Args:
            model: A trained mmseg segmentor (or a wrapper of one).
            dataloader: Unlabelled images through a test pipeline (with ``LoadAnnotations``
                only when ground truth exists, for the report). Its sampler must not pad.
            out_dir (str): Output folder (created); never a folder of user data.
            ratio (float, optional): Share of each class's pixels to keep, in (0, 1].
        """
        if ratio is not None and not 0 < ratio <= 1:
            raise ValueError(f'ratio must be in (0, 1], got {ratio}')
        dataset = dataloader.dataset
        classes = dataset.metainfo['classes']
        palette = dataset.metainfo.get('palette')
        was_training = model.training
        model.eval()
        thresholds = None
        if self.needs_thresholds(ratio):
            stats = ClassConfidenceStats(len(classes), self.stats_mode, self.num_bins,
                                         self.pixel_stride)
            for probs, _ in self._predict(model, dataloader, 'statistics'):
                max_prob, pred = probs.max(0)
                stats.update(max_prob, pred)
            stats.sync()
            thresholds = stats.thresholds(ratio)
        rule = RULES['argmax' if thresholds is None else self.rule]
        report = PseudoLabelReport(classes)
        img_dir = dataset.data_prefix['img_path']
        os.makedirs(out_dir, exist_ok=True)
        overlays = 0
        for probs, sample in self._predict(model, dataloader, 'labelling'):
            label = rule(probs, thresholds).to(torch.uint8)
            name = osp.relpath(sample.img_path, img_dir)[:-len(dataset.img_suffix)]
            write_label_png(osp.join(out_dir, name + '.png'), label.numpy(), palette)
            truth = sample.gt_sem_seg.data[0] if 'gt_sem_seg' in sample else None
            report.update(label, truth)
            if overlays < self.num_overlays and dist.is_main_process():
                image = np.asarray(Image.open(sample.img_path).convert('RGB'))
                save_overlay(osp.join(out_dir, 'overlays', f'{overlays:02d}.png'), image,
                             label.numpy(), palette)
                overlays += 1
        report.sync()
        summary = report.summary(thresholds, ratio)
        if dist.is_main_process():
            PseudoLabelReport.write(summary, out_dir)
        dist.barrier()
        model.train(was_training)
        return summary

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


def save_overlay(path: str, image, label: np.ndarray, palette) -> None:
    """Image (RGB) | pseudo label in colour | ignored pixels in white, side by side."""
    colours = np.array(list(palette) + [[255, 255, 255]] * (256 - len(palette)), np.uint8)
    coloured = colours[label]
    ignored = np.where((label == IGNORE_INDEX)[..., None], 255, 0).astype(np.uint8)
    ignored = np.repeat(ignored, 3, axis=2)
    panels = [image, coloured, ignored]
    os.makedirs(osp.dirname(path), exist_ok=True)
    Image.fromarray(np.concatenate(panels, axis=1)).save(path)
