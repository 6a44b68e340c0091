import copy
import os.path as osp
import re
from glob import glob
from typing import Dict, List, Optional

from mmengine.model import BaseTTAModel, is_model_wrapper
from mmengine.runner import Runner, find_latest_checkpoint

from mmnoisy.datasets import complete_dataloaders
from mmnoisy.registry import RUNNERS
from mmnoisy.utils.errors import CheckpointError
from .checkpoint import (is_backbone_checkpoint, is_inside, load_weights, read_checkpoint,
                         weights_of)
from .checks import check_dataset_classes, check_painting, check_train_cfg

_RUNNER_CHECKPOINT = re.compile(r'(?:iter|epoch)_(\d+)\.pth')  # fullmatch: not best_*


@RUNNERS.register_module()
class MMNoisyRunner(Runner):
    """mmengine's :class:`Runner` with mmnoisy's checkpoint policy
    (:mod:`mmnoisy.engine.checkpoint`).

    * ``load_from`` (also the checkpoint of ``tools/test.py`` and ``tools/pseudo_label.py``)
      is read without unpickling code and must fit the model exactly. Config keys:
      ``trust_checkpoint=True`` allows unpickling (``--trust-checkpoint``),
      ``strict_load=False`` loads only the matching weights (``--partial-load``). A
      backbone checkpoint (:func:`~mmnoisy.engine.checkpoint.is_backbone_checkpoint`) fills
      the backbone, exactly, and leaves the head as initialised.
    * ``--resume`` resumes from the newest intact runner checkpoint *in this work dir*,
      whatever ``load_from`` says (``load_from`` only initialises a fresh run); a truncated
      newest checkpoint falls back to the one before, with a warning. These files, written
      by this run, are the only ones unpickled without ``trust_checkpoint``. A best
      checkpoint recorded outside this work dir is refused (it belongs to another run, and
      the checkpoint hook would delete it).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._resuming: Optional[str] = None
        self._read_ahead: Dict[str, dict] = {}

    @classmethod
    def from_cfg(cls, cfg) -> 'MMNoisyRunner':
        """Build the runner, its dataloaders first derived from the config's ``semi_data``
        (:func:`mmnoisy.datasets.complete_dataloaders`) where it has one."""
        cfg = copy.deepcopy(cfg)
        complete_dataloaders(cfg)
        return super().from_cfg(cfg)

    @property
    def resuming(self) -> bool:
        """Whether a checkpoint of this run is being resumed right now (hooks restore their
        state only then, not on ``load_from`` or on reloading a best checkpoint)."""
        return self._resuming is not None

    @property
    def trust_checkpoint(self) -> bool:
        return bool(self.cfg.get('trust_checkpoint', False))

    @property
    def strict_load(self) -> bool:
        return bool(self.cfg.get('strict_load', True))

    # ----------------------------------------------------------------- load or resume
    def load_or_resume(self) -> None:
        if self._has_loaded:
            return
        if self._resume:
            latest = self._latest_intact_checkpoint()
            if latest is not None:
                self.resume(latest)
                return
            self.logger.warning(
                f'--resume: the work dir {self.work_dir} holds no checkpoint yet, so this run '
                'starts from scratch' +
                (f' (initialised from load_from {self._load_from})' if self._load_from else ''))
        if self._load_from is not None:
            self.load_checkpoint(self._load_from)

    def _latest_intact_checkpoint(self) -> Optional[str]:
        """The newest runner checkpoint of this work dir that reads back whole."""
        for path in self._resume_candidates():
            try:
                # A link or copy from elsewhere is read as any foreign file: never unpickled.
                trusted = self.trust_checkpoint or is_inside(path, self.work_dir)
                self._read_ahead = {path: read_checkpoint(path, trusted=trusted,
                                                          option='--resume')}
                return path
            except CheckpointError as error:
                self.logger.warning(f'{error}; falling back to the previous checkpoint')
        return None

    def _resume_candidates(self) -> List[str]:
        """This work dir's ``iter_N.pth`` / ``epoch_N.pth``, newest first; mmengine's
        ``last_checkpoint`` record first when it names one of them."""
        own = [path for path in glob(osp.join(self.work_dir, '*.pth'))
               if _RUNNER_CHECKPOINT.fullmatch(osp.basename(path))]
        own.sort(key=lambda p: int(_RUNNER_CHECKPOINT.fullmatch(osp.basename(p)).group(1)),
                 reverse=True)
        recorded = find_latest_checkpoint(self.work_dir)
        if recorded and not is_inside(recorded, self.work_dir):
            self.logger.warning(f'last_checkpoint names {recorded}, outside this work dir '
                                f'{self.work_dir}: ignored')
        elif (recorded and osp.isfile(recorded)
              and _RUNNER_CHECKPOINT.fullmatch(osp.basename(recorded))):
            own = [recorded] + [p for p in own if osp.realpath(p) != osp.realpath(recorded)]
        return own

    def resume(self, filename: str, *args, **kwargs) -> None:
        self._resuming = filename
        try:
            super().resume(filename, *args, **kwargs)
        finally:
            self._resuming = None
        self._check_recorded_checkpoints()

    def _check_recorded_checkpoints(self) -> None:
        """Refuse to resume a run whose best checkpoint lies in another work dir; follow a
        work dir that was moved (the recorded path is gone, the file is here)."""
        info = self.message_hub.runtime_info
        for key in sorted(k for k in info if k == 'best_ckpt' or k.startswith('best_ckpt_')):
            path = info[key]
            if not path or is_inside(path, self.work_dir):
                continue
            moved = osp.join(self.work_dir, osp.basename(path))
            if not osp.exists(path):
                self.message_hub.update_info(key, moved if osp.isfile(moved) else None)
            else:
                raise CheckpointError(
                    f'the resumed checkpoint records its best checkpoint as {path}, outside '
                    f'this work dir {self.work_dir}: it was written by another run, whose '
                    'files resuming would overwrite or delete. Resume that run in its own '
                    'work dir, or start this one fresh with load_from')

    # ----------------------------------------------------------------------- loading
    def load_checkpoint(self, filename: str, map_location='cpu', strict: Optional[bool] = None,
                        revise_keys=[(r'^module\.', '')]) -> dict:
        """Read ``filename`` (see the class doc for the policy) and load its weights.

        Args:
            filename (str): A local checkpoint.
            map_location: As for :func:`torch.load`.
            strict (bool, optional): Refuse weights that do not fit the model. Default:
                the config's ``strict_load`` (True).
            revise_keys (list): (pattern, replacement) pairs applied to the weight names.
        """
        resuming = self._resuming == filename
        option = '--resume' if resuming else 'load_from'
        checkpoint = self._read_ahead.pop(filename, None)
        if checkpoint is None:
            own_run = resuming and is_inside(filename, self.work_dir)
            checkpoint = read_checkpoint(filename, trusted=self.trust_checkpoint or own_run,
                                         option=option, map_location=map_location)
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        model = self.model
        # Through DDP and the test-time-augmentation wrapper to the segmentor itself.
        while is_model_wrapper(model) or isinstance(model, BaseTTAModel):
            model = model.module
        state = weights_of(checkpoint, revise_keys)
        backbone_only = is_backbone_checkpoint(checkpoint)
        if backbone_only:
            state = {f'backbone.{key}': value for key, value in state.items()}
        load_weights(model, state, strict=self.strict_load if strict is None else strict,
                     source=f'checkpoint {filename} ({option})', backbone_only=backbone_only)
        self._has_loaded = True
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint

    def train(self):
        """Check the config, model and data before mmengine's ``train()``: a misspelt
        ``train_cfg`` key, a length <= 0, ``num_classes`` against the data
        (:mod:`mmnoisy.engine.checks`)."""
        check_train_cfg(self._train_loop)
        if self._train_loop is not None:
            self._train_loop = self.build_train_loop(self._train_loop)
            check_dataset_classes(self.model, self.train_loop.dataloader.dataset, 'train')
        return super().train()

    def test(self) -> dict:
        """Check ``num_classes`` against the test data and that painting (``--show-dir``)
        paints something, before mmengine's ``test()``."""
        if self._test_loop is not None:
            self._test_loop = self.build_test_loop(self._test_loop)
            loader = self.test_loop.dataloader
            check_dataset_classes(self.model, loader.dataset, 'test')
            check_painting(self.hooks, len(loader), len(loader.dataset))
        return super().test()
