"""Name a misspelt config key instead of failing with ``__init__() got an unexpected keyword``.

mmengine builds a part from its config with ``cls(**cfg)``, so a typo in a key (``round_iter``
for ``round_iters``) ends in a ``TypeError`` traceback that names neither the config section
nor the accepted keys. :func:`check_config_keys` compares the keys with the signature first.
"""
import difflib
import functools
import inspect
from typing import Callable, Iterable, List

from mmnoisy.utils.errors import ConfigError


def accepted_keys(func: Callable) -> List[str]:
    """The keyword arguments ``func`` accepts (empty when it takes ``**kwargs``)."""
    params = inspect.signature(func).parameters.values()
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return []
    return [p.name for p in params
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != 'self']


def check_config_keys(func: Callable, keys: Iterable[str], where: str,
                      ignore: Iterable[str] = ('type', '_scope_')) -> None:
    """Raise :class:`ConfigError` naming every key of ``keys`` that ``func`` does not take.

    Args:
        func (Callable): The class or function the config is passed to.
        keys (Iterable[str]): The keys given in the config.
        where (str): Where the keys are set, e.g. ``'train_cfg'``.
        ignore (Iterable[str]): Keys the registry consumes (``type``, ``_scope_``).
    """
    accepted = accepted_keys(func)
    if not accepted:
        return
    unknown = [k for k in keys if k not in accepted and k not in ignore]
    if not unknown:
        return
    hints = []
    for key in unknown:
        close = difflib.get_close_matches(key, accepted, n=1)
        hints.append(f'{where}.{key}' + (f' (did you mean {close[0]}?)' if close else ''))
    name = getattr(func, '__qualname__', str(func)).replace('.__init__', '')
    raise ConfigError(f'unknown key {", ".join(hints)}: {name} accepts '
                      f'{", ".join(sorted(accepted))}. Fix the key in your config or '
                      '--cfg-options.')


def checks_config_keys(where: str):
    """Class decorator: check the keyword arguments of every construction against
    ``__init__``'s signature with :func:`check_config_keys` (``where`` names the section)."""

    def decorate(cls):
        init = cls.__init__

        @functools.wraps(init)
        def checked_init(self, *args, **kwargs):
            check_config_keys(init, kwargs, where)
            init(self, *args, **kwargs)

        cls.__init__ = checked_init
        return cls

    return decorate
