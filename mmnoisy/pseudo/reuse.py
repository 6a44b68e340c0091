"""Pseudo labels copied from an earlier pass of the same teacher instead of computed again."""
import json
import os
import os.path as osp
import shutil
from typing import Dict, List, Optional

from mmengine import dist
from mmengine.logging import print_log
from torch.utils.data import DataLoader

from mmnoisy.registry import TASK_UTILS
from mmnoisy.utils.errors import ConfigError
from mmnoisy.utils.output_dir import publish_output_dir
from .labeler import PseudoLabeler, check_ratio
from .report import PseudoLabelReport


@TASK_UTILS.register_module()
class ReusedPseudoLabels(PseudoLabeler):
    """A :class:`PseudoLabeler` whose pass copies the labels an earlier pass wrote.

    Runs that share a teacher get the same labels: the rungs of Simple Baseline's ablation
    ladder (s.t., +SDA, +DSBN, +SCL) all start their round from one supervised model.
    Its multi-scale + flip pass over the unlabelled images costs as much as hundreds of
    training iterations on a CPU, so one rung labels and the others copy. The copy is
    staged and published like a labelling pass (the output folder always names a complete
    label set) and refused, before anything is written, unless the source pass used the
    same settings (rule, views, fusion, statistics), the same ratio and exactly the images
    of ``dataloader``. That its teacher is this run's teacher is for the caller to ensure
    (both load the same checkpoint).

    Args:
        source_dir (str): The earlier pass's output folder (e.g.
            ``work_dirs/<run>/round_1/pseudo``), with its ``report.json``.
        **kwargs: The labelling settings of :class:`PseudoLabeler`, which the source's
            must match.
    """

    def __init__(self, source_dir: str, **kwargs):
        super().__init__(**kwargs)
        self.source_dir = source_dir

    def run(self, model, dataloader: DataLoader, out_dir: str,
            ratio: Optional[float] = None, visualizer=None, step: int = 0) -> Dict:
        """Copy the source's labels of ``dataloader``'s images into ``out_dir``; return its
        report (arguments as :meth:`PseudoLabeler.run`; ``model`` is not run)."""
        check_ratio(ratio)
        dataset = dataloader.dataset
        summary = self._source_report(ratio, len(dataset))
        names = self._source_labels(self.label_names(dataset))
        staging = self._stage(out_dir, dataset)
        if dist.is_main_process():
            for name in names:
                target = osp.join(staging, name + '.png')
                os.makedirs(osp.dirname(target), exist_ok=True)
                shutil.copyfile(osp.join(self.source_dir, name + '.png'), target)
            if osp.isdir(osp.join(self.source_dir, 'overlays')):
                shutil.copytree(osp.join(self.source_dir, 'overlays'),
                                osp.join(staging, 'overlays'))
            PseudoLabelReport.write(summary, staging)
            publish_output_dir(staging, out_dir)
        dist.barrier()  # no rank reads out_dir before it is in place
        score = (f', mIoU {100 * summary["miou"]:.2f}% vs ground truth'
                 if summary.get('miou') is not None else '')
        print_log(f'pseudo labels: copied {len(names)} labels from {self.source_dir} '
                  f'(same settings and ratio; coverage {100 * summary["coverage"]:.2f}%'
                  f'{score}) instead of labelling again', logger='current')
        if visualizer is not None:
            visualizer.add_scalars({'pseudo/coverage': summary['coverage']}, step=step)
        return summary

    def _source_report(self, ratio: Optional[float], num_images: int) -> Dict:
        """The source's report, once it is shown to match this pass."""
        path = osp.join(self.source_dir, 'report.json')
        if not osp.isfile(path):
            raise ConfigError(f'train_cfg.pseudo_labeler.source_dir={self.source_dir} holds '
                              'no report.json: it is not a finished pseudo-label folder '
                              '(e.g. work_dirs/<run>/round_1/pseudo of a run that labelled)')
        with open(path) as f:
            summary = json.load(f)
        theirs = dict(summary.get('labeller') or {}, ratio=summary.get('ratio'),
                      threshold=summary.get('threshold'), images=summary.get('num_images'))
        ours = dict(self.settings(), ratio=ratio, threshold=None, images=num_images)
        mismatched = [f'{key} {theirs.get(key)!r} there, {value!r} here'
                      for key, value in ours.items() if theirs.get(key) != value]
        if mismatched:
            raise ConfigError(f'the pseudo labels in {self.source_dir} were made otherwise '
                              f'than this pass would make them ({"; ".join(mismatched)}): '
                              'reuse labels of the same teacher, settings, ratio and images '
                              'only')
        return summary

    def _source_labels(self, names: List[str]) -> List[str]:
        """``names``, once each has its label in the source."""
        missing = [name for name in names
                   if not osp.isfile(osp.join(self.source_dir, name + '.png'))]
        if missing:
            raise ConfigError(f'{len(missing)} of the {len(names)} images have no label in '
                              f'{self.source_dir} (e.g. {missing[0]}.png): it labelled '
                              'other images')
        return names
