"""The exponential moving average teacher of UniMatch V2 (and of mean-teacher methods): after
every optimizer step the teacher moves towards the student."""
from typing import List, Tuple

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from torch import nn

from mmnoisy.registry import HOOKS
from mmnoisy.utils.errors import ConfigError

Pairs = List[Tuple[torch.Tensor, torch.Tensor]]


def _segmentor(runner) -> nn.Module:
    model = runner.model
    return model.module if is_model_wrapper(model) else model


def teacher_of(model: nn.Module, user: str) -> nn.Module:
    """The ``teacher`` of ``model`` (unwrapped); a :class:`ConfigError` naming ``user`` and the
    fix when it has none."""
    teacher = getattr(model, 'teacher', None)
    if not isinstance(teacher, nn.Module) or not isinstance(
            getattr(model, 'student', None), nn.Module):
        found = ('no teacher attribute' if not hasattr(model, 'teacher') else
                 f'teacher={type(teacher).__name__}' if teacher is not None else 'teacher=None')
        raise ConfigError(
            f'{user} needs a model with a student and an EMA teacher (model.student, '
            f'model.teacher), but the {type(model).__name__} has {found}: build the segmentor '
            f'with its teacher (a teacher-student segmentor such as UniMatch V2\'s), or remove '
            f'{user} from the config')
    return teacher


def _tensor_pairs(student: nn.Module, teacher: nn.Module) -> Tuple[Pairs, Pairs]:
    """(teacher, student) tensors by name: the floating-point ones, then the others. Raises
    a :class:`ConfigError` when the two models' parameter or buffer names differ."""
    floating, other = [], []
    for kind in ('parameters', 'buffers'):
        s = dict(getattr(student, f'named_{kind}')())
        t = dict(getattr(teacher, f'named_{kind}')())
        if s.keys() != t.keys():
            only_s, only_t = sorted(s.keys() - t.keys()), sorted(t.keys() - s.keys())
            raise ConfigError(
                f'the teacher is not a copy of the student: their {kind} differ (student '
                f'only: {only_s[:3]}, teacher only: {only_t[:3]}); build the teacher as a '
                'deep copy of the student')
        for name, s_tensor in s.items():
            t_tensor = t[name]
            if t_tensor.shape != s_tensor.shape or t_tensor.dtype != s_tensor.dtype:
                raise ConfigError(
                    f'the teacher is not a copy of the student: {kind[:-1]} {name} is '
                    f'{tuple(t_tensor.shape)} {t_tensor.dtype} in the teacher but '
                    f'{tuple(s_tensor.shape)} {s_tensor.dtype} in the student; build the '
                    'teacher as a deep copy of the student')
            pair = (t_tensor, s_tensor.detach())
            (floating if s_tensor.is_floating_point() else other).append(pair)
    return floating, other


@HOOKS.register_module()
class MeanTeacherHook(Hook):
    """Keeps ``model.teacher`` an exponential moving average (EMA) of ``model.student``, as
    UniMatch V2 does.

    After training iteration ``iter`` (0-based; every ``interval``-th one) the teacher's
    parameters and floating-point buffers (BN running statistics) are updated with::

        m = min(1 - 1 / (iter + 1), momentum)
        teacher <- m * teacher + (1 - m) * student

    so the teacher equals the student after the first iteration (m = 0), averages all
    iterations so far at first and the recent ones (momentum ``0.996``, about 250
    iterations) later. Integer buffers (BN ``num_batches_tracked``) are copied from the
    student; the release multiplies them by the float ``m`` and truncates (they matter only
    to BN layers with ``momentum=None``).

    A run that starts at iteration 0 first copies the student into the teacher, so the
    teacher is the model it averages from (also after ``load_from``). A resumed run goes on
    from the teacher in its checkpoint, which holds the teacher as part of the model.
    The hook needs a model with ``student`` and ``teacher`` submodules of the same structure
    (after a DDP wrapper's ``module``). :class:`~mmnoisy.engine.TeacherStudentValLoop`
    validates both.

    Args:
        momentum (float): The cap of the teacher's momentum ``m``, in [0, 1].
            Default: 0.996.
        interval (int): Update the teacher every ``interval`` training iterations (the
            ``iter`` of the formula still counts all of them). Default: 1.
    """

    priority = 'NORMAL'  # before the CheckpointHook (VERY_LOW) saves the iteration's teacher

    def __init__(self, momentum: float = 0.996, interval: int = 1) -> None:
        if not 0 <= momentum <= 1:
            raise ConfigError(f'MeanTeacherHook momentum must lie in [0, 1] (0.996 in '
                              f'UniMatch V2), got {momentum}')
        if int(interval) != interval or interval < 1:
            raise ConfigError(f'MeanTeacherHook interval must be a whole number >= 1 (1 '
                              f'updates the teacher after every iteration), got {interval}')
        self.momentum = float(momentum)
        self.interval = int(interval)

    def momentum_at(self, iter: int) -> float:
        """The momentum ``m`` of the update after 0-based training iteration ``iter``."""
        return min(1 - 1 / (iter + 1), self.momentum)

    def before_train(self, runner) -> None:
        model = _segmentor(runner)
        teacher = teacher_of(model, type(self).__name__)
        floating, other = _tensor_pairs(model.student, teacher)
        if runner.iter == 0:  # nothing trained yet: not resumed from a checkpoint
            with torch.no_grad():
                for t, s in floating + other:
                    t.copy_(s)

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        # The loop counts an iteration after this hook: runner.iter is the one just trained.
        if not self.every_n_train_iters(runner, self.interval):
            return
        model = _segmentor(runner)
        self.update(model.teacher, model.student, self.momentum_at(runner.iter))

    @staticmethod
    @torch.no_grad()
    def update(teacher: nn.Module, student: nn.Module, m: float) -> None:
        """``teacher <- m * teacher + (1 - m) * student`` in place, for the parameters and
        floating-point buffers; integer buffers are copied from the student."""
        floating, other = _tensor_pairs(student, teacher)
        if floating:
            t_tensors = [t for t, _ in floating]
            # m * t + (1 - m) * s with the release's rounding (no fused multiply-add).
            torch._foreach_mul_(t_tensors, m)
            torch._foreach_add_(t_tensors, torch._foreach_mul([s for _, s in floating], 1 - m))
        for t, s in other:
            t.copy_(s)
