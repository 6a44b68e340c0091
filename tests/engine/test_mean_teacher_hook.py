"""The EMA teacher of MeanTeacherHook against its formula applied by hand, across a resume,
and the validation of student and teacher with a best checkpoint for each."""
import copy
import glob
import os.path as osp
import shutil

import pytest
import torch
from mmengine.evaluator import BaseMetric
from mmengine.hooks import CheckpointHook, Hook
from mmengine.model import BaseModel
from torch import nn
from torch.utils.data import DataLoader, Dataset

from mmnoisy.engine import MMNoisyRunner, TeacherStudentValLoop
from mmnoisy.engine.hooks import MeanTeacherHook
from mmnoisy.registry import METRICS
from mmnoisy.utils.errors import ConfigError


class Student(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.head = nn.Conv2d(4, 2, 1)

    def forward(self, x):
        return self.head(torch.relu(self.bn(self.conv(x))))


class ToyTeacherStudent(BaseModel):
    """The interface of mmnoisy's teacher-student segmentors: ``student``, ``teacher`` (a
    frozen deep copy, or None) and ``predict_on``."""

    def __init__(self, with_teacher: bool = True):
        super().__init__()
        self.student = Student()
        self.teacher = copy.deepcopy(self.student) if with_teacher else None
        if with_teacher:
            self.teacher.requires_grad_(False)
        self.predict_on = 'student'

    def forward(self, inputs, target=None, mode='tensor'):
        if mode == 'loss':
            return dict(loss=((self.student(inputs) - target) ** 2).mean())
        net = self.teacher if self.predict_on == 'teacher' else self.student
        return [dict(score=out.mean()) for out in net(inputs)]


class Toy(Dataset):
    metainfo = dict(classes=('a', 'b'))

    def __init__(self, n=4):
        gen = torch.Generator().manual_seed(7)
        self.items = [dict(inputs=torch.randn(3, 8, 8, generator=gen),
                           target=torch.randn(2, 8, 8, generator=gen)) for _ in range(n)]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


@METRICS.register_module(force=True)
class ToyScore(BaseMetric):
    """``mIoU``: the mean output (differs between student and teacher)."""

    def process(self, data_batch, data_samples):
        self.results.extend(float(d['score']) for d in data_samples)

    def compute_metrics(self, results):
        return dict(mIoU=100 * sum(results) / len(results))


class Recorder(Hook):
    """States of student and teacher after each iteration's EMA update."""
    priority = 'LOW'  # after MeanTeacherHook (NORMAL)

    def __init__(self):
        self.iters, self.students, self.teachers, self.val_metrics = [], [], [], []
        self.start = None

    @staticmethod
    def state(module):
        return {k: v.detach().clone() for k, v in module.state_dict().items()}

    def before_train(self, runner):
        self.start = (self.state(runner.model.student), self.state(runner.model.teacher))

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        self.iters.append(runner.iter)
        self.students.append(self.state(runner.model.student))
        self.teachers.append(self.state(runner.model.teacher))

    def after_val_epoch(self, runner, metrics=None):
        self.val_metrics.append((runner.iter, dict(metrics)))


def make_runner(work_dir, iters=4, model=None, hooks=(), resume=False, val=False,
                checkpoint=None):
    torch.manual_seed(0)
    model = ToyTeacherStudent() if model is None else model
    loader = dict(batch_size=2, shuffle=False, collate_fn=torch.utils.data.default_collate)
    kwargs = {}
    if val:
        kwargs = dict(val_dataloader=DataLoader(Toy(2), **loader),
                      val_cfg=dict(type='TeacherStudentValLoop'),
                      val_evaluator=dict(type='ToyScore'))
    return MMNoisyRunner(
        model=model,
        work_dir=str(work_dir),
        train_dataloader=DataLoader(Toy(12), **loader),  # no restart (mmengine sleeps 2 s)
        train_cfg=dict(by_epoch=False, max_iters=iters, val_interval=2),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.5, momentum=0.9)),
        default_hooks=dict(checkpoint=checkpoint or dict(type='CheckpointHook', interval=2,
                                                          by_epoch=False),
                           logger=dict(type='LoggerHook', interval=1)),
        custom_hooks=list(hooks),
        randomness=dict(seed=0),
        resume=resume,
        default_scope='mmnoisy',
        env_cfg=dict(dist_cfg=dict(backend='gloo')),
        **kwargs)


def ema_by_hand(start, students, momentum):
    teacher = {k: v.clone() for k, v in start.items()}
    for it, student in enumerate(students):
        m = min(1 - 1 / (it + 1), momentum)
        for k, s in student.items():
            if s.is_floating_point():
                teacher[k] = teacher[k] * m + s * (1 - m)
            else:
                teacher[k] = s.clone()
    return teacher


def assert_states_equal(a, b):
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k


def test_teacher_follows_the_formula(tmp_path):
    model = ToyTeacherStudent()
    with torch.no_grad():  # a teacher unlike the student: before_train must copy it
        for p in model.teacher.parameters():
            p.fill_(5.0)
    recorder = Recorder()
    runner = make_runner(tmp_path, iters=6, model=model,
                         hooks=[dict(type='MeanTeacherHook', momentum=0.7), recorder])
    runner.train()

    start_student, start_teacher = recorder.start
    assert_states_equal(start_teacher, start_student)  # copied at iteration 0
    # runner.iter in after_train_iter is the 0-based index of the iteration just trained.
    assert recorder.iters == list(range(6))
    # m = 0 at iteration 0: the teacher is the student after the first step.
    assert_states_equal(recorder.teachers[0], recorder.students[0])
    hook = next(h for h in runner.hooks if isinstance(h, MeanTeacherHook))
    assert [hook.momentum_at(i) for i in range(5)] == [0, 0.5, 1 - 1 / 3, 0.7, 0.7]  # capped
    for k in range(1, 7):
        assert_states_equal(recorder.teachers[k - 1],
                            ema_by_hand(start_student, recorder.students[:k], 0.7))
    final = recorder.teachers[-1]
    assert not torch.equal(final['bn.running_mean'], recorder.students[-1]['bn.running_mean'])
    assert torch.equal(final['bn.num_batches_tracked'], torch.tensor(6))  # copied, not averaged
    assert not any(p.requires_grad for p in runner.model.teacher.parameters())


def test_resume_continues_the_teacher_bit_exactly(tmp_path):
    whole = make_runner(tmp_path / 'whole', hooks=[dict(type='MeanTeacherHook')])
    whole.train()
    expected = Recorder.state(whole.model.teacher)

    resumed_dir = tmp_path / 'resumed'
    resumed_dir.mkdir()
    shutil.copy(tmp_path / 'whole' / 'iter_2.pth', resumed_dir / 'iter_2.pth')
    recorder = Recorder()
    resumed = make_runner(resumed_dir, hooks=[dict(type='MeanTeacherHook'), recorder],
                          resume=True)
    resumed.train()
    assert recorder.iters == [2, 3]
    assert_states_equal(Recorder.state(resumed.model.teacher), expected)
    assert_states_equal(Recorder.state(resumed.model.student),
                        Recorder.state(whole.model.student))


def test_model_without_teacher_is_refused(tmp_path):
    runner = make_runner(tmp_path, model=ToyTeacherStudent(with_teacher=False),
                         hooks=[dict(type='MeanTeacherHook')])
    with pytest.raises(ConfigError, match='teacher=None.*remove MeanTeacherHook'):
        runner.train()
    with pytest.raises(ConfigError, match='momentum'):
        MeanTeacherHook(momentum=1.5)
    with pytest.raises(ConfigError, match='interval'):
        MeanTeacherHook(interval=0)


def test_teacher_with_other_weights_is_refused(tmp_path):
    model = ToyTeacherStudent()
    model.teacher.extra = nn.Linear(1, 1)
    runner = make_runner(tmp_path, model=model, hooks=[dict(type='MeanTeacherHook')])
    with pytest.raises(ConfigError, match="teacher only: \\['extra.bias'"):
        runner.train()


def test_val_loop_scores_both_and_keeps_the_best_of_each(tmp_path):
    recorder = Recorder()
    runner = make_runner(
        tmp_path, val=True, hooks=[dict(type='MeanTeacherHook'), recorder],
        checkpoint=dict(type='CheckpointHook', interval=100, by_epoch=False,
                        save_best=['mIoU', 'teacher/mIoU'], rule='greater'))
    runner.train()
    assert [it for it, _ in recorder.val_metrics] == [2, 4]
    student = {it: m['mIoU'] for it, m in recorder.val_metrics}
    teacher = {it: m['teacher/mIoU'] for it, m in recorder.val_metrics}
    assert all(set(m) == {'mIoU', 'teacher/mIoU'} for _, m in recorder.val_metrics)
    assert all(student[it] != teacher[it] for it in student)

    best = sorted(osp.basename(p) for p in glob.glob(str(tmp_path / 'best_*.pth')))
    best_student, best_teacher = max(student, key=student.get), max(teacher, key=teacher.get)
    assert best == sorted([f'best_mIoU_iter_{best_student}.pth',
                           f'best_teacher_mIoU_iter_{best_teacher}.pth'])
    hub = runner.message_hub
    assert hub.get_info('best_score_mIoU') == student[best_student]
    assert hub.get_info('best_score_teacher/mIoU') == teacher[best_teacher]
    assert hub.get_scalar('val/teacher/mIoU').current() == teacher[4]
    _, log_line = runner.log_processor.get_log_after_epoch(runner, 1, 'val')
    assert f'mIoU: {student[4]:.4f}  teacher/mIoU: {teacher[4]:.4f}' in log_line
    scalars = open(glob.glob(str(tmp_path / '*' / 'vis_data' / 'scalars.json'))[0]).read()
    assert scalars.count('"teacher/mIoU": ') == 2

    # Run by hand: the metrics of each model, predict_on restored, no teacher = ValLoop.
    model = runner.model
    model.predict_on = 'teacher'
    metrics = runner.val_loop.run()
    assert model.predict_on == 'teacher'
    model.predict_on = 'student'
    teacher_net = model.teacher
    model.teacher = None
    # (mmengine's CheckpointHook raises KeyError on a save_best key missing from the metrics)
    runner._hooks = [h for h in runner.hooks if not isinstance(h, CheckpointHook)]
    plain = runner.val_loop.run()
    model.teacher = teacher_net
    assert plain == {'mIoU': metrics['mIoU']}
    model.student, model.teacher = model.teacher, model.student  # the teacher as a student
    swapped = runner.val_loop.run()
    assert swapped['mIoU'] == metrics['teacher/mIoU']


def test_val_loop_prefix_is_checked(tmp_path):
    with pytest.raises(ConfigError, match='teacher_prefix'):
        TeacherStudentValLoop(runner=None, dataloader=None, evaluator=None, teacher_prefix='')


def test_hook_reaches_through_a_model_wrapper():
    from types import SimpleNamespace
    model = ToyTeacherStudent()
    with torch.no_grad():
        model.teacher.conv.weight.fill_(5.0)
    runner = SimpleNamespace(model=nn.DataParallel(model), iter=0)  # CPU: a bare wrapper
    hook = MeanTeacherHook()
    hook.before_train(runner)
    before = model.student.conv.weight.detach().clone()
    assert torch.equal(model.teacher.conv.weight, before)
    with torch.no_grad():
        model.student.conv.weight.add_(1.0)
    MeanTeacherHook(interval=2).after_train_iter(runner, 0)  # iteration 0: not its turn
    assert torch.equal(model.teacher.conv.weight, before)
    runner.iter = 1  # m = 0.5
    hook.after_train_iter(runner, 1)
    assert torch.equal(model.teacher.conv.weight, before * 0.5 + (before + 1.0) * 0.5)
