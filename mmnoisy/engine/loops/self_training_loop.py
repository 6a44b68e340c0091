"""Offline self-training in rounds, as one mmengine train loop (DST-CBC, Simple Baseline
iterations, Zhu et al.): a supervised stage, then per round: load the best checkpoint so far
-> pseudo-label the unlabeled set -> reset optimizer and LR schedule -> train on labelled +
pseudo-labelled batches -> validate every ``val_interval`` iterations (the CheckpointHook's
``save_best`` keeps the best across rounds)."""
import copy
import logging
import os
import os.path as osp
import shutil
from typing import Dict, Iterator, List, Optional, Sequence, Union

import torch
from mmengine.dist import barrier, is_main_process
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.runner import IterBasedTrainLoop
from torch.utils.data import DataLoader

from mmnoisy.datasets.samplers import centroid_cache_dir, with_cache_dir
from mmnoisy.datasets.semi_spec import LABELED, PSEUDO, SemiDataSpec, semi_data_spec
from mmnoisy.registry import LOOPS, MODELS, TASK_UTILS
from mmnoisy.utils.config_keys import checks_config_keys
from mmnoisy.utils.errors import CheckpointError, ConfigError
from ..checkpoint import is_inside, load_weights, read_checkpoint, weights_of

STATE_KEY = 'self_training'
SCORE_KEY = 'mIoU'  # the val metric the stage logs report (mmseg's IoUMetric, in %)


def endless(loader: DataLoader) -> Iterator:
    """Batches of ``loader`` without end: a finite sampler starts a new pass (its epoch set
    first, as mmengine's iteration-based loop does), an infinite one just goes on."""
    epoch = 0
    while True:
        batches = 0
        for batches, batch in enumerate(loader, 1):
            yield batch
        if not batches:
            raise ConfigError(
                f'the training loader yields no batch ({type(loader.sampler).__name__} over '
                f'{len(loader.dataset)} images, batch size {loader.batch_size}): give it at '
                'least one batch of images, and a sampler whose every pass yields them')
        epoch += 1
        for owner in (loader.sampler, getattr(loader, 'batch_sampler', None)):
            if hasattr(owner, 'set_epoch'):
                owner.set_epoch(epoch)


def check_stage_lengths(sup_iters: Optional[int], round_iters: Optional[int],
                        round_epochs: Optional[float]) -> None:
    """Refuse stage lengths that cannot train: a negative supervised stage (0 skips it),
    and rounds of no iterations."""
    if sup_iters is not None and sup_iters < 0:
        raise ConfigError(f'train_cfg.sup_iters must be >= 0 (0 skips the supervised stage), '
                          f'got {sup_iters}')
    if round_iters is not None and round_iters <= 0:
        raise ConfigError(f'train_cfg.round_iters must be > 0, got {round_iters}; set it to '
                          'the iterations per round, or to None to derive them from '
                          'train_cfg.round_epochs')
    if round_epochs is not None and round_epochs <= 0:
        raise ConfigError(f'train_cfg.round_epochs must be > 0, got {round_epochs}')


def _one_of(name: str, iters: Optional[int], epochs: Optional[float]) -> None:
    if (iters is None) == (epochs is None):
        raise ConfigError(f'give one of train_cfg.{name}_iters and train_cfg.{name}_epochs '
                          f'(set the other to None), got {name}_iters={iters}, '
                          f'{name}_epochs={epochs}')


@LOOPS.register_module()
@checks_config_keys('train_cfg')
class SelfTrainingLoop(IterBasedTrainLoop):
    """A supervised stage followed by self-training rounds, on the data of the config's
    :class:`~mmnoisy.datasets.SemiDataSpec` (``semi_data``).

    Stage 0 trains on the labelled images (the runner's ``train_dataloader``, derived from
    ``semi_data``; a length of 0 skips it, e.g. when ``load_from`` holds the supervised
    model). Round r (1-based) pseudo-labels the unlabelled images into
    ``work_dir/round_r/pseudo`` with ``pseudo_labeler`` at ``ratios[r-1]``, then trains on
    labelled + pseudo-labelled batches (``semi_data.round_dataloader``). Every stage starts
    from a fresh optimizer state and LR schedule (the config's ``param_scheduler``, spanning
    the stage), and every round from the best checkpoint so far. The round state lives in
    the message hub, hence in every checkpoint: ``--resume`` continues inside the round it
    stopped in (its loader advanced past the batches already trained on), without redoing
    finished rounds or their pseudo labels. As in mmengine's :class:`IterBasedTrainLoop`,
    ``stop_training`` (e.g. from an early-stopping hook) ends training after the iteration.
    Each stage logs a line on what it will do, and one on its val mIoU at its end, with the
    change from the stage before and the best so far; each pseudo-labelling pass hands its
    quality (``pseudo/*`` scalars) and overlays to the runner's visualiser.

    Args:
        runner: The runner.
        dataloader (DataLoader | dict): Labelled data of the supervised stage.
        pseudo_labeler (dict): A :class:`mmnoisy.pseudo.PseudoLabeler` config.
        ratios (Sequence[float]): Class-balanced ratio of each round, in (0, 1].
        sup_iters (int, optional): Iterations of the supervised stage.
        sup_epochs (float, optional): The supervised stage in passes over the labelled
            images instead (``int(epochs * labelled / batch)`` iterations).
        round_epochs (float, optional): Passes over the unlabelled images per round (one
            pass = ``unlabelled / unlabelled per batch`` iterations). Default: 6.
        round_iters (int, optional): Iterations per round, instead of ``round_epochs``.
        num_rounds (int, optional): If given, must equal ``len(ratios)``.
        val_interval (int): Validate every n iterations of a stage, and at its end.
        val_begin (int): The iteration from which validation runs. Default: 1.
        round_lr_factor (float): The rounds start at this multiple of the optimizer's
            initial LR (per-group multipliers kept). 1 (the paper) restarts them at the
            supervised LR; below 1 fine-tunes the teacher more gently. Default: 1.
        teacher (dict, optional): ``dict(model=<model config>, checkpoint=<path>)``: round 1
            is pseudo-labelled by this model instead of the best checkpoint, and the
            student (the runner's model, of any architecture) trains from its own
            initialisation (Zhu et al.'s teacher -> student). The checkpoint must fit the
            teacher model exactly unless ``strict=False`` is added; it is read without
            unpickling code unless the config sets ``trust_checkpoint=True``. Default: None.

    The dataloader of the running stage is ``current_dataloader`` (for hooks that adjust
    it, e.g. :class:`CropScheduleHook`).
    """

    def __init__(self,
                 runner,
                 dataloader: Union[DataLoader, Dict],
                 pseudo_labeler: Dict,
                 ratios: Sequence[float],
                 sup_iters: Optional[int] = None,
                 sup_epochs: Optional[float] = None,
                 round_epochs: Optional[float] = 6,
                 round_iters: Optional[int] = None,
                 num_rounds: Optional[int] = None,
                 val_interval: int = 1000,
                 val_begin: int = 1,
                 round_lr_factor: float = 1.0,
                 teacher: Optional[Dict] = None) -> None:
        self.spec: SemiDataSpec = semi_data_spec(runner.cfg)
        self.ratios = self._checked_ratios(ratios, num_rounds)
        if round_lr_factor <= 0:
            raise ConfigError(f'train_cfg.round_lr_factor must be > 0, got {round_lr_factor}')
        if teacher is not None and not {'model', 'checkpoint'} <= set(teacher):
            raise ConfigError('train_cfg.teacher must be dict(model=..., checkpoint=...), '
                              f'got the keys {sorted(teacher)}')
        self.spec.check_disjoint()
        self.stage_iters: List[int] = self._stage_lengths(sup_iters, sup_epochs, round_iters,
                                                          round_epochs)
        self._check_first_teacher(runner.cfg, teacher)
        # mmengine's loop opens the labelled loader here, drawing its shared seed from
        # torch's global RNG before the runner initialises the model: restoring the RNG keeps
        # the initialisation independent of how the loop is built (each stage opens its
        # loader when it starts, as mmnoisy's loop always did).
        rng_state = torch.get_rng_state()
        super().__init__(runner, dataloader, max_iters=sum(self.stage_iters),
                         val_begin=val_begin, val_interval=val_interval)
        torch.set_rng_state(rng_state)
        self.dataloader_iterator = None  # unused: each stage iterates its own loader
        self.round_lr_factor = round_lr_factor
        self.teacher_cfg = copy.deepcopy(teacher)
        self.current_dataloader: Optional[DataLoader] = None
        self.unlabeled_dataloader = runner.build_dataloader(self.spec.unlabeled_dataloader(),
                                                            seed=runner.seed)
        self.pseudo_labeler = TASK_UTILS.build(pseudo_labeler)

    @staticmethod
    def _checked_ratios(ratios: Sequence[float], num_rounds: Optional[int]) -> List[float]:
        ratios = [float(r) for r in ratios]
        if not ratios:
            raise ConfigError('SelfTrainingLoop needs at least one round: train_cfg.ratios '
                              'is empty; give one ratio in (0, 1] per round')
        bad = [r for r in ratios if not 0 < r <= 1]
        if bad:
            raise ConfigError(f'train_cfg.ratios: every ratio must be in (0, 1], got {bad} '
                              f'in {ratios}; set each to a share of pixels, e.g. 0.2')
        if num_rounds is not None and num_rounds != len(ratios):
            raise ConfigError(f'train_cfg.num_rounds={num_rounds} but {len(ratios)} ratios '
                              f'are given ({ratios}); give one ratio per round')
        return ratios

    def _stage_lengths(self, sup_iters, sup_epochs, round_iters, round_epochs) -> List[int]:
        """Iterations of the supervised stage and of each round, from iterations or from
        passes over the images (counted by the data spec)."""
        _one_of('sup', sup_iters, sup_epochs)
        _one_of('round', round_iters, round_epochs)
        check_stage_lengths(sup_iters, round_iters, round_epochs)
        if sup_iters is None:
            sup_iters = self.spec.iters_for_epochs(sup_epochs, LABELED)
        if round_iters is None:
            round_iters = self.spec.iters_for_epochs(round_epochs, PSEUDO)
        return [sup_iters] + [round_iters] * len(self.ratios)

    def _check_first_teacher(self, cfg, teacher: Optional[dict]) -> None:
        """Without a supervised stage, round 1 pseudo-labels with the model it is given:
        refuse a run where that would be the random initialisation."""
        if self.stage_iters[0] or teacher is not None or cfg.get('load_from') or cfg.get(
                'resume'):
            return
        raise ConfigError(
            'train_cfg.sup_iters=0 skips the supervised stage, but nothing gives round 1 a '
            'trained model to pseudo-label with: set load_from=<a supervised checkpoint> (or '
            'train_cfg.teacher), or give the supervised stage iterations')

    # ------------------------------------------------------------------------ state
    def _state(self) -> Dict:
        hub = self.runner.message_hub
        if hub.get_info(STATE_KEY) is None:
            hub.update_info(STATE_KEY, dict(stage=0, started=False, stage_start=0,
                                            pseudo_dir=None))
        return hub.get_info(STATE_KEY)

    def _save_state(self, **changes) -> None:
        state = dict(self._state(), **changes)
        self.runner.message_hub.update_info(STATE_KEY, state)

    # ------------------------------------------------------------------------- run
    def run(self):
        self._check_resumed_pseudo_dir()
        self.runner.logger.info(f'self-training data: {self.spec.describe()}; stages of '
                                f'{self.stage_iters} iterations')
        self.runner.call_hook('before_train')
        while self._state()['stage'] < len(self.stage_iters) and not self.stop_training:
            self._run_stage(self._state()['stage'])
        self.runner.call_hook('after_train_epoch')
        self.runner.call_hook('after_train')
        return self.runner.model

    def _check_resumed_pseudo_dir(self) -> None:
        """Refuse resumed round state whose pseudo labels lie outside this work dir: they
        belong to another run, which this one would read as its own (and relabel). A work dir
        that was moved (the recorded folder is gone) is followed."""
        state = self._state()
        pseudo_dir = state['pseudo_dir']
        if not pseudo_dir or is_inside(pseudo_dir, self.runner.work_dir):
            return
        if not osp.exists(pseudo_dir):
            self._save_state(pseudo_dir=self._pseudo_dir(state['stage']))
        else:
            raise CheckpointError(
                f'the resumed checkpoint records the pseudo labels of its round in '
                f'{pseudo_dir}, outside this work dir {self.runner.work_dir}: it was written '
                'by another run. Resume that run in its own work dir, or start this one '
                'fresh with load_from')

    def _run_stage(self, stage: int) -> None:
        if self.stage_iters[stage] == 0:
            self._save_state(stage=stage + 1, started=False)
            return
        if not self._state()['started']:
            self._begin_stage(stage)
        state = self._state()
        start, end = state['stage_start'], state['stage_start'] + self.stage_iters[stage]
        if self._iter >= end:
            # Resumed from the stage's last checkpoint: no batch to redo, but a kill between
            # that checkpoint and the stage's last validation would lose its score.
            if self.runner.val_loop is not None:
                self._validate()
            self._finish_stage(stage)
            return
        loader = self.dataloader if stage == 0 else self._round_dataloader(
            stage, state['pseudo_dir'])
        self.current_dataloader = loader
        # Each stage opens like an epoch, so that hooks adjust its loader (e.g. the crop
        # schedule) before the first batch is drawn; after_train_epoch comes once, at the end.
        self.runner.call_hook('before_train_epoch')
        self.runner.logger.info(
            f'{self._stage_name(stage)}: iterations {self._iter + 1}-{end}'
            + (f', pseudo labels in {state["pseudo_dir"]}' if stage else ''))
        batches = self._batches_from(loader, done=self._iter - start)
        while self._iter < end and not self.stop_training:
            self.runner.model.train()
            self.run_iter(next(batches))
            if self._validates_now(start, end):
                self._validate()
        if self._iter == end:
            self._finish_stage(stage)

    def _finish_stage(self, stage: int) -> None:
        self._keep_stage_best(stage)
        scores = dict(self._state().get('scores') or {})
        scores[stage] = self._end_score(stage)
        self._save_state(stage=stage + 1, started=False, scores=scores)
        self._log_stage_result(stage, scores)

    def _validate(self) -> None:
        """Run the val loop and record its score (``SCORE_KEY``) with the iteration, and
        the best score so far: the stage logs report them, also after a resume."""
        score = self.runner.val_loop.run().get(SCORE_KEY)
        if score is None:
            return
        best = self._state().get('best_score')
        self._save_state(last_score=(self._iter, float(score)),
                         best_score=float(score) if best is None else max(best, float(score)))

    def _end_score(self, stage: int) -> Optional[float]:
        """The score of the validation at the stage's last iteration, if one ran."""
        end = self._state()['stage_start'] + self.stage_iters[stage]
        last = self._state().get('last_score')
        return last[1] if last and last[0] == end else None

    @staticmethod
    def _batches_from(loader: DataLoader, done: int) -> Iterator:
        """The stage's batches, past the ``done`` ones a resumed run already trained on
        (the loader's sampler is seeded per stage, so they are the same batches)."""
        batches = endless(loader)
        if done > 0:
            print_log(f'advancing the dataloader {done} batches, past the data this stage '
                      'has already trained on', logger='current', level=logging.WARNING)
            for _ in range(done):
                next(batches)
        return batches

    def _validates_now(self, start: int, end: int) -> bool:
        return (self.runner.val_loop is not None and self._iter >= self.val_begin
                and ((self._iter - start) % self.val_interval == 0 or self._iter == end))

    def _keep_stage_best(self, stage: int) -> None:
        """Keep the best checkpoint as of this stage's end (``best_after_stage_k.pth``),
        to score every round afterwards (the CheckpointHook keeps only the overall best)."""
        best = self.runner.message_hub.get_info('best_ckpt')
        if not (best and osp.isfile(best)) or not is_main_process():
            return
        kept = osp.join(self.runner.work_dir, f'best_after_stage_{stage}.pth')
        if osp.exists(kept):
            os.remove(kept)
        try:
            os.link(best, kept)  # no copy: the same file under a second name
        except OSError:
            shutil.copyfile(best, kept)

    def _stage_name(self, stage: int) -> str:
        if stage == 0:
            return 'supervised stage'
        return f'self-training round {stage}/{len(self.ratios)} (ratio {self.ratios[stage - 1]})'

    def _short_name(self, stage: int, of_total: bool = True) -> str:
        """'supervised stage', 'round 2/5' (or 'round 2' without ``of_total``)."""
        if stage == 0:
            return 'supervised stage'
        return f'round {stage}/{len(self.ratios)}' if of_total else f'round {stage}'

    # ------------------------------------------------------------------ stage logs
    def _log_stage_plan(self, stage: int) -> None:
        """One line on what the stage is about to do."""
        first, iters = self._iter + 1, self.stage_iters[stage]
        labelled = len(self.dataloader.dataset)
        train = f'iterations {first}-{first + iters - 1} ({iters})'
        if stage == 0:
            text = f'{train} on {labelled} labelled images'
        else:
            unlabelled = len(self.unlabeled_dataloader.dataset)
            text = (f'pseudo-labels {unlabelled} unlabelled images at ratio '
                    f'{self.ratios[stage - 1]} with {self._teacher_name(stage)}, then trains '
                    f'{train} on {labelled} labelled + {unlabelled} pseudo-labelled images')
        self.runner.logger.info(f'{self._short_name(stage)} starts: {text}')

    def _teacher_name(self, stage: int) -> str:
        """The model that pseudo-labels the round (see :meth:`_labelling_model`)."""
        if stage == 1 and self.teacher_cfg:
            return f'the teacher {self.teacher_cfg["checkpoint"]} (train_cfg.teacher)'
        best = self.runner.message_hub.get_info('best_ckpt')
        return (f'the best checkpoint so far {best}' if best else
                'the current model (no best checkpoint recorded)')

    def _log_stage_result(self, stage: int, scores: Dict[int, Optional[float]]) -> None:
        """One line on what the stage achieved: its val score, the change from the latest
        earlier stage that has one, and the best score of any validation so far."""
        name = self._short_name(stage)
        score = scores.get(stage)
        if score is None:
            self.runner.logger.info(f'{name} done: no val {SCORE_KEY} (no validation at its '
                                    'last iteration)')
            return
        text = f'{name} done: val {SCORE_KEY} {score:.2f}'
        earlier = [k for k in range(stage) if scores.get(k) is not None]
        if earlier:
            before = earlier[-1]
            text += (f' ({score - scores[before]:+.2f} vs '
                     f'{self._short_name(before, of_total=False)})')
        best = self._state().get('best_score')
        self.runner.logger.info(text + (f', best so far {best:.2f}' if best is not None else ''))

    # -------------------------------------------------------------- stage start-up
    def _begin_stage(self, stage: int) -> None:
        self._log_stage_plan(stage)
        pseudo_dir = None
        if stage > 0:
            pseudo_dir = self._pseudo_dir(stage)
            model = self._labelling_model(stage)
            summary = self.pseudo_labeler.run(model, self.unlabeled_dataloader, pseudo_dir,
                                              ratio=self.ratios[stage - 1],
                                              visualizer=self.runner.visualizer,
                                              step=self._iter)
            self._log_pseudo_labels(stage, summary)
        self._reset_optimization(stage)
        self._save_state(stage=stage, started=True, stage_start=self._iter,
                         pseudo_dir=pseudo_dir)

    def _pseudo_dir(self, stage: int) -> str:
        return osp.join(self.runner.work_dir, f'round_{stage}', 'pseudo')

    def _labelling_model(self, stage: int):
        """The configured teacher in round 1, else the best checkpoint so far."""
        model = self.runner.model
        model = model.module if is_model_wrapper(model) else model
        if stage == 1 and self.teacher_cfg:
            teacher = self._teacher()
            return teacher.to(next(model.parameters()).device)
        self._load_best_checkpoint()
        return model

    def _teacher(self):
        path = self.teacher_cfg['checkpoint']
        option = 'train_cfg.teacher.checkpoint'
        if not path:
            raise ConfigError(f'set {option} to the teacher checkpoint')
        teacher = MODELS.build(copy.deepcopy(self.teacher_cfg['model']))
        checkpoint = read_checkpoint(path, option=option,
                                     trusted=bool(self.runner.cfg.get('trust_checkpoint')))
        load_weights(teacher, weights_of(checkpoint), strict=self.teacher_cfg.get('strict', True),
                     source=f'teacher checkpoint {path} ({option})')
        return teacher

    def _load_best_checkpoint(self) -> None:
        # Only the main process saves checkpoints: the others wait until the best one is
        # whole, so that every replica labels and trains from the same weights.
        barrier()
        best = self.runner.message_hub.get_info('best_ckpt')
        if best and osp.isfile(best):
            self.runner.logger.info(f'loading the best checkpoint so far: {best}')
            self.runner.load_checkpoint(best)
        else:
            self.runner.logger.warning('no best checkpoint recorded (add save_best to the '
                                       'CheckpointHook); continuing from the current model')

    def _reset_optimization(self, stage: int) -> None:
        """Fresh optimizer state, initial LR, and the LR schedule spanning this stage."""
        optimizer = self.runner.optim_wrapper.optimizer
        optimizer.state.clear()
        factor = self.round_lr_factor if stage > 0 else 1.0
        for group in optimizer.param_groups:
            group['lr'] = factor * group.setdefault('initial_lr', group['lr'])
        schedulers = copy.deepcopy(self.runner.cfg.get('param_scheduler') or [])
        if isinstance(schedulers, dict):
            schedulers = [schedulers]
        for scheduler in schedulers:
            scheduler['begin'] = 0
            scheduler['end'] = self.stage_iters[stage]
        self.runner.param_schedulers = self.runner.build_param_scheduler(schedulers)

    def _round_dataloader(self, stage: int, pseudo_dir: str) -> DataLoader:
        """The round's loader; class-uniform samplers cache their centroid indexes in this
        run's work dir, where ``tools/build_centroids.py`` may have built them ahead."""
        cfg = self.spec.round_dataloader(pseudo_dir, seed=(self.runner.seed or 0) + stage)
        cfg['sampler'] = with_cache_dir(cfg['sampler'], centroid_cache_dir(self.runner.work_dir))
        return self.runner.build_dataloader(cfg, seed=self.runner.seed)

    def _log_pseudo_labels(self, stage: int, summary: Dict) -> None:
        text = (f'round {stage} pseudo labels: {summary["num_images"]} images, '
                f'{100 * summary["coverage"]:.1f}% of pixels labelled')
        if summary.get('miou') is not None:
            text += f', mIoU vs ground truth {100 * summary["miou"]:.2f}'
        self.runner.logger.info(text)
        self.runner.message_hub.update_info(f'pseudo_round_{stage}', summary)
