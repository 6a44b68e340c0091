"""How mmnoisy loads checkpoints: never executing a file's code, never half-loading a model.

*Safe by default.* Every checkpoint is read with torch's ``weights_only=True`` unpickler.
mmengine's runner checkpoints hold more than tensors (``HistoryBuffer`` log scalars, numpy
arrays and scalars in the message hub), so exactly those types are allow-listed
(:func:`runner_checkpoint_safe_globals`); anything else in a file is refused with a
:class:`~mmnoisy.utils.errors.CheckpointError` that names the file and the object. Only
``--resume`` of a checkpoint inside the run's own work dir, or a file the user vouches for
(``--trust-checkpoint``, config ``trust_checkpoint=True``), falls back to full unpickling.

*Strict by default.* A checkpoint of another architecture, width or class count would
otherwise be scored, or used as a teacher, after a few warnings. Weights must match the
model key for key and shape for shape; ``--partial-load`` (config ``strict_load=False``, or
``strict=False`` where a config names a checkpoint) loads what fits, with warnings.

*Backbone checkpoints.* A file whose ``meta['weights']`` is :data:`BACKBONE_WEIGHTS` (as
``tools/pretrain_backbones.py`` writes) holds one backbone's own state dict, as ImageNet or
DINOv2 checkpoints do: ``init_cfg=dict(type='Pretrained', checkpoint=...)`` on the backbone
loads it, and so does ``load_from``, which must then fill the backbone exactly and leaves the
rest of the model as initialised.
"""
import logging
import os
import os.path as osp
import pickle
import re
import zipfile
from typing import Callable, Dict, List, Sequence, Tuple, Union

import torch
from mmengine.logging import print_log

from mmnoisy.utils.errors import CheckpointError

TRUST_HINT = ('--trust-checkpoint (config: trust_checkpoint=True) if you trust where the '
              'file came from')
PARTIAL_HINT = '--partial-load (config: strict_load=False)'
_LISTED = 3
BACKBONE_WEIGHTS = 'backbone'  # meta['weights'] of a checkpoint holding a backbone alone
# The statistics a HistoryBuffer pickles by reference (mmengine's HistoryBuffer methods).
_HISTORY_STATISTICS = ('min', 'max', 'mean', 'current')


def _history_buffer_method(owner, name: str):
    """``getattr`` as a HistoryBuffer's pickle uses it, and for nothing else.

    A HistoryBuffer pickles its statistics methods as ``getattr(HistoryBuffer, 'min')``.
    Allow-listing the real ``builtins.getattr`` would let a crafted file reach any attribute
    of any allow-listed object, so this stands in for it under the same name.
    """
    from mmengine.logging import HistoryBuffer
    allowed = set(_HISTORY_STATISTICS) | set(HistoryBuffer._statistics_methods)
    if owner is not HistoryBuffer or name not in allowed:
        raise pickle.UnpicklingError(f'getattr({owner!r}, {name!r}) is not allowed')
    return getattr(HistoryBuffer, name)


def runner_checkpoint_safe_globals() -> List[Union[Callable, Tuple[Callable, str]]]:
    """The Python objects an mmengine runner checkpoint may hold besides tensors."""
    import numpy as np
    import numpy.dtypes
    from mmengine.logging import HistoryBuffer
    multiarray = np._core.multiarray  # numpy >= 2 pickles ndarrays through numpy._core
    dtypes = [getattr(numpy.dtypes, name) for name in dir(numpy.dtypes)
              if name.endswith('DType')]
    return [HistoryBuffer, np.ndarray, np.dtype, multiarray.scalar, multiarray._reconstruct,
            *dtypes, (_history_buffer_method, 'builtins.getattr')]


def _refused_global(error: Exception) -> str:
    match = re.search(r'GLOBAL (\S+)', str(error))
    return match.group(1) if match else 'an object torch does not allow'


def read_checkpoint(path: str, trusted: bool = False, option: str = 'the checkpoint',
                    map_location: Union[str, Callable, None] = 'cpu') -> Dict:
    """Read a checkpoint file without running code from it (unless ``trusted``).

    Args:
        path (str): A local ``.pth`` file.
        trusted (bool): Fall back to full unpickling when the file holds objects beyond
            tensors and runner state. Only for files the user vouches for or the run wrote.
        option (str): Where the path was given (``load_from``, ``CHECKPOINT``, ...), for
            the error message.
        map_location: As for :func:`torch.load`.

    Raises:
        CheckpointError: a missing, empty, truncated or corrupt file, or one that would
            need unpickling without ``trusted``.
    """
    if not osp.isfile(path):
        raise CheckpointError(f'checkpoint {path} ({option}) does not exist')
    if osp.getsize(path) == 0:
        raise CheckpointError(f'checkpoint {path} ({option}) is empty (0 bytes): the run '
                              'that wrote it was interrupted; use another checkpoint')
    try:
        with torch.serialization.safe_globals(runner_checkpoint_safe_globals()):
            return torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as error:
        if 'Weights only load failed' not in str(error):
            raise _corrupt(path, option, error) from None
        if not trusted:
            raise CheckpointError(
                f'checkpoint {path} ({option}) holds Python objects beyond weights and '
                f'runner state ({_refused_global(error)}), and unpickling it could run '
                f'code; refused. Pass {TRUST_HINT}') from None
    except (RuntimeError, EOFError, OSError, zipfile.BadZipFile, ValueError) as error:
        raise _corrupt(path, option, error) from None
    print_log(f'unpickling trusted checkpoint {path} ({option})', logger='current',
              level=logging.WARNING)
    try:
        return torch.load(path, map_location=map_location, weights_only=False)
    except (RuntimeError, EOFError, OSError, zipfile.BadZipFile, ValueError,
            pickle.UnpicklingError) as error:
        raise _corrupt(path, option, error) from None


def _corrupt(path: str, option: str, error: Exception) -> CheckpointError:
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return CheckpointError(f'checkpoint {path} ({option}) is truncated or corrupt '
                           f'({reason[:120]}); use another checkpoint or save it again')


def weights_of(checkpoint: Dict, revise_keys: Sequence[Tuple[str, str]] = ((r'^module\.',
                                                                            ''), )) -> Dict:
    """The model weights of a checkpoint (runner checkpoint or plain state dict)."""
    state = checkpoint.get('state_dict', checkpoint)
    if not isinstance(state, dict):
        raise CheckpointError('the checkpoint holds no state dict')
    for pattern, replacement in revise_keys:
        state = {re.sub(pattern, replacement, key): value for key, value in state.items()}
    return state


def is_backbone_checkpoint(checkpoint: Dict) -> bool:
    """Whether ``checkpoint`` holds a backbone's weights alone, keyed as the backbone's own
    state dict (``meta['weights'] == BACKBONE_WEIGHTS``)."""
    meta = checkpoint.get('meta')
    return isinstance(meta, dict) and meta.get('weights') == BACKBONE_WEIGHTS


def save_backbone_checkpoint(path: str, state_dict: Dict, meta: Dict) -> None:
    """Write a backbone checkpoint: ``state_dict`` (the backbone's own keys) and ``meta``
    (plain values, marked ``weights=BACKBONE_WEIGHTS``), through a temporary file renamed
    into place, so that ``path`` never names a partial file.

    Args:
        path (str): The ``.pth`` file; its folder is created.
        state_dict (dict): ``backbone.state_dict()``.
        meta (dict): What made it (readable by the weights-only unpickler: plain types).
    """
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    tmp = f'{path}.{os.getpid()}.tmp'
    torch.save(dict(state_dict={k: v.detach().cpu() for k, v in state_dict.items()},
                    meta=dict(meta, weights=BACKBONE_WEIGHTS)), tmp)
    os.replace(tmp, path)


def _listing(keys: Sequence[str]) -> str:
    shown = ', '.join(keys[:_LISTED])
    return shown + (f' and {len(keys) - _LISTED} more' if len(keys) > _LISTED else '')


def load_weights(model: torch.nn.Module, state: Dict, strict: bool = True,
                 source: str = 'the checkpoint', backbone_only: bool = False) -> None:
    """Load ``state`` into ``model``; with ``strict``, refuse anything that does not fit.

    Weights are matched through the model's own ``load_state_dict``, so load hooks that
    rename keys (DSBN's fan-out of plain BN keys, :class:`SemiSupervisedSegmentor` loading a
    plain segmentor's checkpoint) apply. Shapes are compared after those renames, module by
    module, so a partial load skips mismatched tensors instead of failing. A refused load
    may have copied the weights that fit: the caller stops (the tools exit) rather than use
    the model.

    Args:
        model (nn.Module): The model to fill.
        state (dict): Its weights, keyed as ``model.state_dict()``.
        strict (bool): Refuse weights that do not fit. Default: True.
        source (str): What the weights are, for the messages.
        backbone_only (bool): ``state`` holds a backbone's weights (``backbone.*``): only
            the backbone's own keys count as missing. Default: False.

    Raises:
        CheckpointError: with ``strict``, missing or unexpected keys or shape mismatches,
            the first few of each named.
    """
    mismatched: List[str] = []
    handles = [module.register_load_state_dict_pre_hook(_drop_mismatched(mismatched))
               for module in model.modules()]
    try:
        missing, unexpected = model.load_state_dict(state, strict=False)
    finally:
        for handle in handles:
            handle.remove()
    dropped = {entry.split(' ')[0] for entry in mismatched}
    missing = [key for key in missing if key not in dropped
               and (not backbone_only or 'backbone.' in key)]
    problems = []
    if missing:
        problems.append(f'{len(missing)} missing key(s): {_listing(missing)}')
    if unexpected:
        problems.append(f'{len(unexpected)} unexpected key(s): {_listing(unexpected)}')
    if mismatched:
        problems.append(f'{len(mismatched)} shape mismatch(es): {_listing(mismatched)}')
    if not problems:
        return
    message = f'{source} does not fit the model: ' + '; '.join(problems)
    if strict:
        raise CheckpointError(f'{message}. Is it a checkpoint of this config (architecture, '
                              f'width, num_classes)? To load only the matching weights, '
                              f'pass {PARTIAL_HINT}')
    print_log(f'partial load: {message}', logger='current', level=logging.WARNING)


def _drop_mismatched(mismatched: List[str]) -> Callable:
    """A load pre-hook that removes (and records) entries whose shape differs from the
    module's own tensor, as the module is about to read them: after its parents' renames."""

    def hook(module, state_dict, prefix, *args) -> None:
        own = dict(module.named_parameters(recurse=False))
        own.update(module.named_buffers(recurse=False))
        for name, tensor in own.items():
            value = state_dict.get(prefix + name)
            if tensor is not None and hasattr(value, 'shape') and value.shape != tensor.shape:
                mismatched.append(f'{prefix + name} {tuple(value.shape)} vs '
                                  f'{tuple(tensor.shape)} in the model')
                del state_dict[prefix + name]

    return hook


def is_inside(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or lies below it (symbolic links resolved)."""
    path, folder = osp.realpath(path), osp.realpath(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def is_resuming(runner) -> bool:
    """Whether ``runner`` is resuming a checkpoint of this very run right now.

    :class:`~mmnoisy.engine.MMNoisyRunner` says so only inside ``resume()``, so hooks restore
    their state neither on ``load_from`` (even with ``--resume`` on an empty work dir) nor
    when a loop reloads the best checkpoint. Another runner only has its ``--resume`` flag.
    """
    if hasattr(runner, 'resuming'):
        return bool(runner.resuming)
    return bool(getattr(runner, '_resume', False))
