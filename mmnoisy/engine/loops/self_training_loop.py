"""Offline self-training in rounds, as one mmengine train loop (DST-CBC, Simple Baseline
iterations, Zhu et al.): a supervised stage, then per round: load the best checkpoint so far
-> pseudo-label the unlabeled set -> reset optimizer and LR schedule -> train on labelled +
pseudo-labelled batches -> validate every ``val_interval`` iterations (the CheckpointHook's
``save_best`` keeps the best across rounds)."""
import copy
import math
import os
import os.path as osp
import shutil
from typing import Dict, List, Optional, Sequence, Union

from mmengine.dist import is_main_process
from mmengine.model import is_model_wrapper
from mmengine.runner import BaseLoop
from torch.utils.data import DataLoader

from mmnoisy.datasets.splits import check_disjoint, read_ids
from mmnoisy.registry import LOOPS, MODELS, TASK_UTILS
from mmnoisy.utils.config_keys import checks_config_keys
from mmnoisy.utils.errors import CheckpointError, ConfigError
from ..checkpoint import is_inside, load_weights, read_checkpoint, weights_of

STATE_KEY = 'self_training'


def leaf_dataset_cfgs(dataset_cfg: dict):
    """Every leaf dataset config of a (possibly concatenated) dataset config."""
    if 'datasets' in dataset_cfg:
        for sub in dataset_cfg['datasets']:
            yield from leaf_dataset_cfgs(sub)
    else:
        yield dataset_cfg


def read_pseudo_labels(dataset_cfg: dict, pseudo_dir: str) -> None:
    """Point a ``source='pseudo'`` dataset config at the label PNGs in ``pseudo_dir``."""
    dataset_cfg.setdefault('data_prefix', {})['seg_map_path'] = pseudo_dir
    dataset_cfg['seg_map_suffix'] = '.png'


def check_stage_lengths(sup_iters: int, round_iters: Optional[int],
                        round_epochs: Optional[float]) -> None:
    """Refuse stage lengths that cannot train: a negative supervised stage (0 skips it),
    and rounds of no iterations (``round_iters=None`` means: from ``round_epochs``)."""
    if sup_iters is None or sup_iters < 0:
        raise ConfigError(f'train_cfg.sup_iters must be >= 0 (0 skips the supervised stage), '
                          f'got {sup_iters}')
    if round_iters is not None and round_iters <= 0:
        raise ConfigError(f'train_cfg.round_iters must be > 0, got {round_iters}; set it to '
                          'the iterations per round, or to None to derive them from '
                          'train_cfg.round_epochs')
    if round_iters is None and (round_epochs is None or round_epochs <= 0):
        raise ConfigError(f'train_cfg.round_epochs must be > 0 when train_cfg.round_iters is '
                          f'None, got {round_epochs}; set one of them')


def _ann_file(dataset_cfg: dict) -> Optional[str]:
    ann_file = dataset_cfg.get('ann_file')
    return osp.join(dataset_cfg.get('data_root') or '', ann_file) if ann_file else None


def check_pseudo_list(unlabeled_dataloader: Dict, semi_dataloader: Dict) -> None:
    """Refuse a pseudo-labelled dataset that lists other images than the unlabelled one.

    Every round writes pseudo labels for the images of ``unlabeled_dataloader``, and the
    ``source='pseudo'`` dataset reads one label per id of its own list; a mismatch would
    fail only when round 1 starts, after the whole supervised stage.
    """
    unlabeled = _ann_file(unlabeled_dataloader['dataset'])
    if not (unlabeled and osp.isfile(unlabeled)):
        return  # the dataset build reports a missing list
    expected = set(read_ids(unlabeled))
    for dataset in leaf_dataset_cfgs(semi_dataloader['dataset']):
        pseudo = _ann_file(dataset) if dataset.get('source') == 'pseudo' else None
        if not (pseudo and osp.isfile(pseudo)):
            continue
        listed = set(read_ids(pseudo))
        if listed == expected:
            continue
        extra, missing = sorted(listed - expected), sorted(expected - listed)
        raise ConfigError(
            f"the pseudo-labelled dataset's list {pseudo} ({len(listed)} ids) differs from "
            f'the unlabelled list {unlabeled} ({len(expected)} ids) that is pseudo-labelled: '
            f'{len(extra)} id(s) only in the former (e.g. {extra[:3]}), {len(missing)} only '
            f'in the latter (e.g. {missing[:3]}). Give train_cfg.semi_dataloader\'s '
            "source='pseudo' dataset and train_cfg.unlabeled_dataloader.dataset the same "
            'ann_file.')


@LOOPS.register_module()
@checks_config_keys('train_cfg')
class SelfTrainingLoop(BaseLoop):
    """A supervised stage followed by self-training rounds.

    Stage 0 trains ``sup_iters`` iterations on the runner's ``train_dataloader`` (labelled
    images only; 0 skips it, e.g. when ``load_from`` holds the supervised model). Round r
    (1-based) pseudo-labels ``unlabeled_dataloader`` into ``work_dir/round_r/pseudo`` with
    ``pseudo_labeler`` at ``ratios[r-1]``, then trains on ``semi_dataloader``, whose datasets
    with ``source='pseudo'`` read their labels from that folder. Every stage starts from a
    fresh optimizer state and LR schedule (the config's ``param_scheduler``, spanning the
    stage), and every round from the best checkpoint so far. The round state lives in the
    message hub, hence in every checkpoint: ``--resume`` continues inside the round it
    stopped in, without redoing finished rounds or their pseudo labels.

    Args:
        runner: The runner.
        dataloader (DataLoader | dict): Labelled data of the supervised stage.
        semi_dataloader (dict): Mixed labelled + pseudo-labelled data of the rounds
            (a ``ConcatDataset`` with a ``MultiSourceSampler``).
        unlabeled_dataloader (dict): Unlabelled images with a test pipeline, for
            pseudo-labelling (its sampler must not shuffle or pad).
        pseudo_labeler (dict): A :class:`mmnoisy.pseudo.PseudoLabeler` config.
        ratios (Sequence[float]): Class-balanced ratio of each round, in (0, 1].
        sup_iters (int): Iterations of the supervised stage.
        round_epochs (float): Passes over the unlabelled set per round (one pass =
            ``len(unlabeled) / unlabeled images per batch`` iterations). Default: 6.
        round_iters (int, optional): Iterations per round, instead of ``round_epochs``.
        num_rounds (int, optional): If given, must equal ``len(ratios)``.
        val_interval (int): Validate every n iterations of a stage, and at its end.
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
                 semi_dataloader: Dict,
                 unlabeled_dataloader: Dict,
                 pseudo_labeler: Dict,
                 ratios: Sequence[float],
                 sup_iters: int,
                 round_epochs: float = 6,
                 round_iters: Optional[int] = None,
                 num_rounds: Optional[int] = None,
                 val_interval: int = 1000,
                 round_lr_factor: float = 1.0,
                 teacher: Optional[Dict] = None) -> None:
        super().__init__(runner, dataloader)
        if round_lr_factor <= 0:
            raise ConfigError(f'train_cfg.round_lr_factor must be > 0, got {round_lr_factor}')
        self.round_lr_factor = round_lr_factor
        if teacher is not None and not {'model', 'checkpoint'} <= set(teacher):
            raise ConfigError('train_cfg.teacher must be dict(model=..., checkpoint=...), '
                              f'got the keys {sorted(teacher)}')
        self.teacher_cfg = copy.deepcopy(teacher)
        self.current_dataloader = None
        self.ratios = [float(r) for r in ratios]
        if not self.ratios:
            raise ConfigError('SelfTrainingLoop needs at least one round: train_cfg.ratios '
                              'is empty; give one ratio in (0, 1] per round')
        bad = [r for r in self.ratios if not 0 < r <= 1]
        if bad:
            raise ConfigError(f'train_cfg.ratios: every ratio must be in (0, 1], got {bad} '
                              f'in {self.ratios}; set each to a share of pixels, e.g. 0.2')
        check_stage_lengths(sup_iters, round_iters, round_epochs)
        if num_rounds is not None and num_rounds != len(self.ratios):
            raise ConfigError(f'train_cfg.num_rounds={num_rounds} but {len(self.ratios)} '
                              f'ratios are given ({self.ratios}); give one ratio per round')
        self.semi_dataloader_cfg = copy.deepcopy(semi_dataloader)
        if not any(d.get('source') == 'pseudo'
                   for d in leaf_dataset_cfgs(self.semi_dataloader_cfg['dataset'])):
            raise ConfigError("train_cfg.semi_dataloader needs a dataset with "
                              "source='pseudo' to read the pseudo labels")
        self._check_disjoint_splits()
        check_pseudo_list(unlabeled_dataloader, self.semi_dataloader_cfg)
        self.unlabeled_dataloader = runner.build_dataloader(unlabeled_dataloader,
                                                            seed=runner.seed)
        self.pseudo_labeler = TASK_UTILS.build(pseudo_labeler)
        self.val_interval = val_interval
        round_length = (round_iters if round_iters is not None else
                        self._iters_per_round(round_epochs))
        self.stage_iters: List[int] = [sup_iters] + [round_length] * len(self.ratios)
        self._max_iters = sum(self.stage_iters)
        self._epoch = 0
        self._iter = 0

    def _check_disjoint_splits(self) -> None:
        """Refuse an image listed both as labelled and as unlabelled."""
        ids = {'labeled': [], 'pseudo': []}
        for dataset in leaf_dataset_cfgs(self.semi_dataloader_cfg['dataset']):
            source, ann_file = dataset.get('source'), dataset.get('ann_file')
            if source in ids and ann_file:
                path = osp.join(dataset.get('data_root') or '', ann_file)
                if osp.isfile(path):
                    ids[source] += read_ids(path)
        check_disjoint(ids['labeled'], ids['pseudo'])

    def _iters_per_round(self, epochs: float) -> int:
        sampler = self.semi_dataloader_cfg['sampler']
        datasets = list(leaf_dataset_cfgs(self.semi_dataloader_cfg['dataset']))
        pseudo_share = sum(ratio for d, ratio in zip(datasets, sampler['source_ratio'])
                           if d.get('source') == 'pseudo')
        if not pseudo_share:
            raise ConfigError('train_cfg.semi_dataloader.sampler.source_ratio draws no '
                              'pseudo-labelled samples per batch; give the pseudo dataset '
                              'a share > 0')
        return math.ceil(epochs * len(self.unlabeled_dataloader.dataset) / pseudo_share)

    @property
    def max_iters(self) -> int:
        return self._max_iters

    @property
    def max_epochs(self) -> int:
        return 1

    @property
    def epoch(self) -> int:
        return self._epoch

    @property
    def iter(self) -> int:
        return self._iter

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
        self.runner.call_hook('before_train')
        while self._state()['stage'] < len(self.stage_iters):
            self._run_stage(self._state()['stage'])
        self.runner.call_hook('after_train_epoch')
        self.runner.call_hook('after_train')
        return self.runner.model

    def _check_resumed_pseudo_dir(self) -> None:
        """Refuse resumed round state whose pseudo labels lie outside this work dir: they
        belong to another run, which this one would read as its own (and relabel)."""
        pseudo_dir = self._state()['pseudo_dir']
        if pseudo_dir and not is_inside(pseudo_dir, self.runner.work_dir):
            raise CheckpointError(
                f'the resumed checkpoint records the pseudo labels of its round in '
                f'{pseudo_dir}, outside this work dir {self.runner.work_dir}: it was written '
                'by another run. Resume that run in its own work dir, or start this one '
                'fresh with load_from')

    def _run_stage(self, stage: int) -> None:
        state = self._state()
        if self.stage_iters[stage] == 0:
            self._save_state(stage=stage + 1, started=False)
            return
        if not state['started']:
            self._begin_stage(stage)
        state = self._state()
        start, end = state['stage_start'], state['stage_start'] + self.stage_iters[stage]
        loader = self.dataloader if stage == 0 else self._round_dataloader(
            stage, state['pseudo_dir'])
        self.current_dataloader = loader
        # Each stage opens like an epoch, so that hooks adjust its loader (e.g. the crop
        # schedule) before the first batch is drawn; after_train_epoch comes once, at the end.
        self.runner.call_hook('before_train_epoch')
        self.runner.logger.info(
            f'{self._stage_name(stage)}: iterations {self._iter + 1}-{end}'
            + (f', pseudo labels in {state["pseudo_dir"]}' if stage else ''))
        batches = iter(loader)
        while self._iter < end:
            self.runner.model.train()
            self.run_iter(next(batches))
            done = self._iter - start
            if done % self.val_interval == 0 or self._iter == end:
                self.runner.val_loop.run()
        self._keep_stage_best(stage)
        self._save_state(stage=stage + 1, started=False)

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

    def run_iter(self, data_batch) -> None:
        self.runner.call_hook('before_train_iter', batch_idx=self._iter,
                              data_batch=data_batch)
        outputs = self.runner.model.train_step(data_batch,
                                               optim_wrapper=self.runner.optim_wrapper)
        self.runner.call_hook('after_train_iter', batch_idx=self._iter,
                              data_batch=data_batch, outputs=outputs)
        self._iter += 1

    def _stage_name(self, stage: int) -> str:
        if stage == 0:
            return 'supervised stage'
        return f'self-training round {stage}/{len(self.ratios)} (ratio {self.ratios[stage - 1]})'

    # -------------------------------------------------------------- stage start-up
    def _begin_stage(self, stage: int) -> None:
        pseudo_dir = None
        if stage > 0:
            pseudo_dir = osp.join(self.runner.work_dir, f'round_{stage}', 'pseudo')
            model = self._labelling_model(stage)
            summary = self.pseudo_labeler.run(model, self.unlabeled_dataloader, pseudo_dir,
                                              ratio=self.ratios[stage - 1])
            self._log_pseudo_labels(stage, summary)
        self._reset_optimization(stage)
        self._save_state(stage=stage, started=True, stage_start=self._iter,
                         pseudo_dir=pseudo_dir)

    def _labelling_model(self, stage: int):
        """The configured teacher in round 1, else the best checkpoint so far."""
        model = self.runner.model
        model = model.module if is_model_wrapper(model) else model
        if stage == 1 and self.teacher_cfg:
            if not self.teacher_cfg['checkpoint']:
                raise ValueError('set train_cfg.teacher.checkpoint to the teacher checkpoint')
            teacher = MODELS.build(copy.deepcopy(self.teacher_cfg['model']))
            path = self.teacher_cfg['checkpoint']
            option = 'train_cfg.teacher.checkpoint'
            trusted = bool(self.runner.cfg.get('trust_checkpoint'))
            checkpoint = read_checkpoint(path, trusted=trusted, option=option)
            load_weights(teacher, weights_of(checkpoint),
                         strict=self.teacher_cfg.get('strict', True),
                         source=f'teacher checkpoint {path} ({option})')
            return teacher.to(next(model.parameters()).device)
        self._load_best_checkpoint()
        return model

    def _load_best_checkpoint(self) -> None:
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
        cfg = copy.deepcopy(self.semi_dataloader_cfg)
        for dataset in leaf_dataset_cfgs(cfg['dataset']):
            if dataset.get('source') == 'pseudo':
                read_pseudo_labels(dataset, pseudo_dir)
        cfg['sampler']['seed'] = (self.runner.seed or 0) + stage
        return self.runner.build_dataloader(cfg, seed=self.runner.seed)

    def _log_pseudo_labels(self, stage: int, summary: Dict) -> None:
        text = (f'round {stage} pseudo labels: {summary["num_images"]} images, '
                f'{100 * summary["coverage"]:.1f}% of pixels labelled')
        if summary.get('miou') is not None:
            text += f', mIoU vs ground truth {100 * summary["miou"]:.2f}'
        self.runner.logger.info(text)
        self.runner.message_hub.update_info(f'pseudo_round_{stage}', summary)
