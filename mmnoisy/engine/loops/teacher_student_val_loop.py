"""Validation of both models of a teacher-student segmentor (UniMatch V2 scores the student
and its EMA teacher every epoch and keeps the best of each)."""
from typing import Dict, List, Sequence, Union

import torch
from mmengine.evaluator import Evaluator
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.runner import ValLoop
from mmengine.runner.amp import autocast
from mmengine.runner.loops import _parse_losses, _update_losses
from torch.utils.data import DataLoader

from mmnoisy.registry import LOOPS
from mmnoisy.utils.config_keys import checks_config_keys
from mmnoisy.utils.errors import ConfigError


@LOOPS.register_module()
@checks_config_keys('val_cfg')
class TeacherStudentValLoop(ValLoop):
    """mmengine's :class:`ValLoop` that scores the student and then the teacher of a model
    with ``student``, ``teacher`` and ``predict_on`` (e.g. after a
    :class:`~mmnoisy.engine.hooks.MeanTeacherHook`).

    The student's metrics keep their names (``mIoU``, ...); the teacher's get the prefix,
    (``teacher/mIoU``, ...), in the one dict passed to the ``after_val_epoch`` hooks and
    returned. The logger shows both, and ``CheckpointHook(save_best=['mIoU',
    'teacher/mIoU'], rule='greater')`` keeps the best of each, as ``best_mIoU_iter_N.pth``
    and ``best_teacher_mIoU_iter_N.pth`` (mmengine writes a ``/`` of a key as ``_``). The
    iteration hooks (progress, timing, visualisation) see the student's pass only, so the
    drawn predictions are the student's. ``predict_on`` is restored afterwards. A model
    without a teacher (``teacher`` missing or None) is validated exactly as by ``ValLoop``.

    Args:
        runner (Runner): The runner.
        dataloader (DataLoader | dict): The validation dataloader or its config.
        evaluator (Evaluator | dict | list): The evaluator or its config.
        fp16 (bool): Validate with automatic mixed precision. Default: False.
        teacher_prefix (str): The prefix of the teacher's metric names, joined with ``/``.
            Default: ``'teacher'``.
    """

    def __init__(self,
                 runner,
                 dataloader: Union[DataLoader, Dict],
                 evaluator: Union[Evaluator, Dict, List],
                 fp16: bool = False,
                 teacher_prefix: str = 'teacher') -> None:
        if not isinstance(teacher_prefix, str) or not teacher_prefix.strip('/'):
            raise ConfigError(f'val_cfg.teacher_prefix must be a non-empty name such as '
                              f"'teacher' (the teacher's mIoU is then 'teacher/mIoU'), got "
                              f'{teacher_prefix!r}')
        super().__init__(runner, dataloader, evaluator, fp16)
        self.teacher_prefix = teacher_prefix.strip('/')
        self._with_hooks = True

    def run(self) -> dict:
        model = self.runner.model
        model = model.module if is_model_wrapper(model) else model
        if getattr(model, 'teacher', None) is None:
            return super().run()
        self.runner.call_hook('before_val')
        self.runner.call_hook('before_val_epoch')
        self.runner.model.eval()
        predict_on = model.predict_on
        try:
            model.predict_on = 'student'
            metrics = self._evaluate()
            print_log(f'validating the teacher, its metrics as {self.teacher_prefix}/...',
                      logger='current')
            model.predict_on = 'teacher'
            self._with_hooks = False
            teacher_metrics = self._evaluate()
        finally:
            model.predict_on = predict_on
            self._with_hooks = True
        metrics.update({f'{self.teacher_prefix}/{key}': value
                        for key, value in teacher_metrics.items()})
        self.runner.call_hook('after_val_epoch', metrics=metrics)
        self.runner.call_hook('after_val')
        return metrics

    def _evaluate(self) -> dict:
        """One pass over the dataloader with the model's current ``predict_on``."""
        self.val_loss.clear()
        for idx, data_batch in enumerate(self.dataloader):
            self.run_iter(idx, data_batch)
        metrics = self.evaluator.evaluate(len(self.dataloader.dataset))
        if self.val_loss:
            metrics.update(_parse_losses(self.val_loss, 'val'))
        return metrics

    @torch.no_grad()
    def run_iter(self, idx: int, data_batch: Sequence[dict]) -> None:
        if self._with_hooks:
            super().run_iter(idx, data_batch)
            return
        with autocast(enabled=self.fp16):
            outputs = self.runner.model.val_step(data_batch)
        outputs, self.val_loss = _update_losses(outputs, self.val_loss)
        self.evaluator.process(data_samples=outputs, data_batch=data_batch)
