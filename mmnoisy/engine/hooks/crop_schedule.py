"""Fast training schedule of Zhu et al. (§3.3, Table 4): the training crop size changes per
epoch, after a warm-up at the full crop."""
from typing import Iterator, Optional, Sequence, Tuple, Union

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmnoisy.datasets.transforms import CentroidCrop
from mmnoisy.engine.checkpoint import is_resuming
from mmnoisy.registry import HOOKS

Size = Tuple[int, int]
MODES = ('coarse2fine', 'fine2coarse', 'coarse2fine+', 'fine2coarse+')
STATE_KEY = 'crop_schedule'


def _as_size(size: Union[int, Sequence[int]]) -> Size:
    return (int(size), int(size)) if isinstance(size, int) else (int(size[0]), int(size[1]))


def crop_schedule(mode: str,
                  epoch: int,
                  crop_sizes: Sequence[Union[int, Sequence[int]]],
                  warmup_epochs: int = 0,
                  epochs_per_size: int = 1) -> Size:
    """The crop ``(h, w)`` of ``epoch`` (0-based).

    The first ``warmup_epochs`` use the largest crop. Then ``coarse2fine`` walks the sizes
    from small to large, ``epochs_per_size`` epochs each, and keeps the largest for the rest;
    ``fine2coarse`` walks from large to small and keeps the smallest; ``coarse2fine+`` and
    ``fine2coarse+`` move to the next size every epoch and start over after the last.
    """
    if mode not in MODES:
        raise ValueError(f'mode must be one of {MODES}, got {mode!r}')
    sizes = sorted((_as_size(s) for s in crop_sizes), key=lambda s: (s[0] * s[1], s))
    if mode.startswith('fine2coarse'):
        sizes = sizes[::-1]
    step = epoch - warmup_epochs
    if step < 0:
        return max(sizes, key=lambda s: s[0] * s[1])
    if mode.endswith('+'):
        return sizes[step % len(sizes)]
    return sizes[min(step // epochs_per_size, len(sizes) - 1)]


@HOOKS.register_module()
class CropScheduleHook(Hook):
    """Changes the training crop size per epoch (:func:`crop_schedule`).

    It sets the ``crop_size`` of every :class:`CentroidCrop` in the running training
    dataloader's pipeline (a value in shared memory, read by loader workers too). A data
    preprocessor that pads to a fixed ``size`` is switched to padding each batch to its own
    largest crop, so batches of the previous size still stack. With an epoch-based loop the
    change comes before the epoch's iterator is built. With an iteration-based loop (``epoch_iters``
    given, e.g. :class:`SelfTrainingLoop`) it comes after the last iteration of an epoch,
    for the batches the loader prepares next (workers may hold a few prefetched batches of the
    previous size). With ``scale_batch`` the batch grows by ``full area // crop area`` at
    smaller crops (the paper's 16 -> 64 at 800 -> 400); an epoch then counts the images of
    ``epoch_iters`` full batches. The position in the schedule is saved in checkpoints, so a
    resumed run continues where it stopped. The crop and batch size go to
    ``runner.visualizer`` (TensorBoard, W&B, ...) as ``crop_schedule/crop_height``,
    ``crop_schedule/crop_width`` and ``crop_schedule/batch_size`` when first applied and at
    each change, with the number of training iterations done as the step.

    Args:
        mode (str): ``'coarse2fine'``, ``'fine2coarse'``, ``'coarse2fine+'`` or
            ``'fine2coarse+'``.
        crop_sizes (Sequence[int | tuple]): The crops, e.g. ``[400, 480, ..., 800]``; the
            largest is the full crop of the warm-up.
        warmup_epochs (int): Epochs at the full crop first (20 in the paper). Default: 0.
        epochs_per_size (int): Epochs per size of the non-``+`` modes. Default: 1.
        epoch_iters (int, optional): Iterations per epoch of an iteration-based loop; None
            follows the runner's epochs. Default: None.
        scale_batch (bool): Larger batches at smaller crops. Default: False.
    """

    priority = 'NORMAL'

    def __init__(self,
                 mode: str,
                 crop_sizes: Sequence[Union[int, Sequence[int]]],
                 warmup_epochs: int = 0,
                 epochs_per_size: int = 1,
                 epoch_iters: Optional[int] = None,
                 scale_batch: bool = False) -> None:
        crop_schedule(mode, 0, crop_sizes)  # validates the mode
        self.mode = mode
        self.crop_sizes = [_as_size(s) for s in crop_sizes]
        self.full_size = max(self.crop_sizes, key=lambda s: s[0] * s[1])
        self.warmup_epochs = warmup_epochs
        self.epochs_per_size = epochs_per_size
        self.epoch_iters = epoch_iters
        self.scale_batch = scale_batch
        self.progress = 0  # iterations of a full-size batch done (iteration-based loops)
        self._loader = None
        self._base_batch = None
        self._reported = None  # (crop, batch) last sent to the visualizer

    # ------------------------------------------------------------------ schedule
    @property
    def epoch(self) -> int:
        return self.progress // self.epoch_iters

    def crop_size(self, epoch: int) -> Size:
        return crop_schedule(self.mode, epoch, self.crop_sizes, self.warmup_epochs,
                             self.epochs_per_size)

    def schedule_iters(self, num_epochs: int) -> int:
        """Iterations of ``num_epochs`` epochs of this schedule: each epoch counts the images
        of ``epoch_iters`` full batches, so it takes fewer, larger batches at smaller crops
        with ``scale_batch``."""
        return sum(self.epoch_iters // self.batch_factor(self.crop_size(epoch))
                   for epoch in range(num_epochs))

    def batch_factor(self, size: Size) -> int:
        if not self.scale_batch:
            return 1
        return max(1, (self.full_size[0] * self.full_size[1]) // (size[0] * size[1]))

    # --------------------------------------------------------------------- hooks
    def before_train_epoch(self, runner) -> None:
        if self.epoch_iters is None:
            self._apply(runner, runner.epoch, runner.iter)
        elif self._live_loader(runner) is not self._loader:
            self._apply(runner, self.epoch, runner.iter)  # a new loader, before its 1st batch

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        if self.epoch_iters is not None and self._live_loader(runner) is not self._loader:
            self._apply(runner, self.epoch, runner.iter)  # a new loader (start, round, resume)

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        if self.epoch_iters is None:
            return
        self.progress += self.batch_factor(self.crop_size(self.epoch))
        self._apply(runner, self.epoch, runner.iter + 1)  # the loop counts this iter after

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint[STATE_KEY] = self.state_dict()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        # Only --resume continues the schedule; `load_from` starts a new one.
        if STATE_KEY in checkpoint and is_resuming(runner):
            self.load_state_dict(checkpoint[STATE_KEY])

    def state_dict(self) -> dict:
        return dict(progress=self.progress, mode=self.mode)

    def load_state_dict(self, state: dict) -> None:
        self.progress = int(state['progress'])
        self._loader = None  # re-apply to the loader of the resumed run
        self._reported = None

    # ------------------------------------------------------------------- helpers
    @staticmethod
    def _live_loader(runner):
        loop = runner.train_loop
        loader = getattr(loop, 'current_dataloader', None)
        return loop.dataloader if loader is None else loader

    def _apply(self, runner, epoch: int, step: int) -> None:
        """Set the crop (and batch) of ``epoch`` on the live loader; ``step`` (iterations
        done) is the visualizer's step of a change."""
        size = self.crop_size(epoch)
        loader = self._live_loader(runner)
        if loader is not self._loader:
            self._loader, self._base_batch = loader, loader.batch_sampler.batch_size
        crops = list(_centroid_crops(loader.dataset))
        if not crops:
            raise RuntimeError('CropScheduleHook found no CentroidCrop in the training '
                               'pipeline: use CentroidCrop instead of RandomCrop')
        changed = any(crop.crop_size != size for crop in crops)
        for crop in crops:
            crop.crop_size = size
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        preprocessor = getattr(model, 'data_preprocessor', None)
        if getattr(preprocessor, 'size', None) is not None:
            # Loader workers may hand over batches cropped before a change, or even straddling
            # it; padding to a fixed size would leave such a batch unstackable.
            preprocessor.size, preprocessor.size_divisor = None, 1
        loader.batch_sampler.batch_size = self._base_batch * self.batch_factor(size)
        if changed:
            runner.logger.info(f'crop schedule {self.mode}: epoch {epoch}, crop {size}, '
                               f'batch {loader.batch_sampler.batch_size}')
        self._report(runner, size, loader.batch_sampler.batch_size, step)

    def _report(self, runner, size: Size, batch_size: int, step: int) -> None:
        # Also the first crop (the config's, so not a change) and after a resume: a curve
        # needs its starting point.
        if (size, batch_size) == self._reported:
            return
        self._reported = (size, batch_size)
        runner.visualizer.add_scalars(
            {'crop_schedule/crop_height': size[0], 'crop_schedule/crop_width': size[1],
             'crop_schedule/batch_size': batch_size}, step=step)


def _centroid_crops(dataset) -> Iterator[CentroidCrop]:
    """Every CentroidCrop of a dataset, through dataset wrappers and concatenations."""
    for child in getattr(dataset, 'datasets', None) or [getattr(dataset, 'dataset', None)]:
        if child is not None:
            yield from _centroid_crops(child)
    for transform in getattr(getattr(dataset, 'pipeline', None), 'transforms', []):
        if isinstance(transform, CentroidCrop):
            yield transform
