"""Checks of a run's config, model and data together, before the first iteration.

Each catches a mistake that mmengine would report late (a misspelt ``train_cfg`` key as a
``TypeError`` traceback, ``num_classes`` below the label values as ``IndexError: Target 6 is
out of bounds`` at the first batch) or never (``max_iters=0`` trains nothing, ``--show-dir``
paints no image). :class:`mmnoisy.engine.MMNoisyRunner` calls them in ``train()`` and
``test()``.
"""
import logging
from typing import Iterator, Optional, Sequence, Tuple, Union

from mmengine.logging import print_log
from mmengine.runner import BaseLoop, EpochBasedTrainLoop, IterBasedTrainLoop
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from torch import nn

from mmnoisy.registry import LOOPS
from mmnoisy.utils.config_keys import check_config_keys
from mmnoisy.utils.errors import ConfigError


def _loop_class(loop_cfg: dict) -> Optional[type]:
    """The class mmengine's ``Runner.build_train_loop`` would build from ``loop_cfg``."""
    if 'type' in loop_cfg:
        loop_type = loop_cfg['type']
        return loop_type if isinstance(loop_type, type) else LOOPS.get(loop_type)
    if 'by_epoch' in loop_cfg:
        return EpochBasedTrainLoop if loop_cfg['by_epoch'] else IterBasedTrainLoop
    return None


def check_train_cfg(loop_cfg: Union[BaseLoop, dict, None]) -> None:
    """Refuse a ``train_cfg`` with a key its loop does not take, or a length <= 0.

    Args:
        loop_cfg (BaseLoop | dict | None): The runner's train loop or its config.
    """
    if not isinstance(loop_cfg, dict):
        return  # already built (or no training configured: mmengine says so)
    loop_cls = _loop_class(loop_cfg)
    if loop_cls is not None:
        # runner and dataloader come from the runner, not from the config
        check_config_keys(loop_cls, loop_cfg, 'train_cfg',
                          ignore=('type', '_scope_', 'by_epoch'))
    for key in ('max_iters', 'max_epochs'):
        value = loop_cfg.get(key)
        if value is not None and value <= 0:
            raise ConfigError(f'train_cfg.{key} must be > 0, got {value}; set the length of '
                              f'training (e.g. --cfg-options train_cfg.{key}=1000)')


def decode_heads(model: nn.Module) -> Iterator[Tuple[str, BaseDecodeHead]]:
    """(config path, head) of every decode and auxiliary head of ``model``, also inside
    wrappers (DDP, TTA, :class:`SemiSupervisedSegmentor`), e.g.
    ``('model.segmentor.decode_head', head)``."""
    for name, module in model.named_modules():
        if isinstance(module, BaseDecodeHead):
            parts = [p for p in name.split('.') if p != 'module']  # DDP / TTA wrappers
            yield '.'.join(['model'] + parts), module


def check_num_classes(model: nn.Module, classes: Sequence[str], split: str) -> None:
    """Compare every head's ``num_classes`` with the dataset's classes.

    Fewer outputs than classes is an error: labels up to ``len(classes) - 1`` would index
    past the logits (``IndexError: Target ... is out of bounds`` at the first batch). More
    outputs is a warning: the extra ones are never trained.

    Args:
        model (nn.Module): The runner's model (wrapped or not).
        classes (Sequence[str]): ``dataset.metainfo['classes']``.
        split (str): 'train' or 'test', for the message.
    """
    num = len(classes)
    for where, head in decode_heads(model):
        if head.num_classes < num:
            raise ConfigError(
                f'{where}.num_classes={head.num_classes} but the {split} dataset has {num} '
                f'classes ({", ".join(map(str, classes[:10]))}{"..." if num > 10 else ""}), '
                f'so its labels go up to {num - 1}; set {where}.num_classes={num}')
        if head.num_classes > num:
            print_log(
                f'{where}.num_classes={head.num_classes} but the {split} dataset has only '
                f'{num} classes: the extra {head.num_classes - num} output(s) are never '
                f'trained or scored; set {where}.num_classes={num}, or give the dataset '
                'all the classes (metainfo)', logger='current', level=logging.WARNING)


def check_dataset_classes(model: nn.Module, dataset, split: str) -> None:
    """:func:`check_num_classes` against ``dataset``'s metainfo, when it names classes."""
    classes = getattr(dataset, 'metainfo', {}).get('classes')
    if classes:
        check_num_classes(model, classes, split)


def check_painting(hooks: Sequence, num_batches: int, num_images: int) -> None:
    """Refuse a test that is asked to paint predictions but would paint none.

    mmseg's ``SegVisualizationHook`` paints the samples of every ``interval``-th batch, so
    an interval above the number of test batches (the default 50 vs a small test set) paints
    nothing, silently.
    """
    for hook in hooks:
        if type(hook).__name__ != 'SegVisualizationHook' or not getattr(hook, 'draw', False):
            continue
        if num_batches // hook.interval == 0:
            raise ConfigError(
                f'--show-dir/--show would paint 0 of the {num_images} test images: '
                f'default_hooks.visualization.interval={hook.interval} paints every '
                f'{hook.interval}th batch and the test set has {num_batches} batch(es); add '
                '--cfg-options default_hooks.visualization.interval=1 to paint every image')
