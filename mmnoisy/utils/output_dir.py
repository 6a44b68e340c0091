"""Output folders of the tools that write labels: never user data, never half-written.

A tool that writes a folder of labels first claims it (:func:`claim_output_dir`) or a
staging sibling of it (:func:`stage_output_dir`). The claim refuses an output folder that is,
contains or lies inside one of the tool's input folders (compared as real paths, so neither a
symlink nor ``..`` gets round it) and a non-empty folder that the same tool did not write.
What a tool writes carries a marker file (:data:`MARKER`, holding the tool's name), so that
it may replace its own earlier output, and only that. A staged folder is moved into place by
:func:`publish_output_dir` once complete: a killed run leaves ``<out>.partial``, never an
incomplete folder under the final name.
"""
import os
import os.path as osp
import shutil
from typing import List, Optional, Sequence

from mmnoisy.utils.errors import OutputDirError

MARKER = '.mmnoisy-output'
STAGING_SUFFIX = '.partial'


def is_within(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or lies inside it (both real, absolute paths)."""
    return osp.commonpath([path, folder]) == folder


def marker_tool(folder: str) -> Optional[str]:
    """The tool named by ``folder``'s marker file, or None without one."""
    path = osp.join(folder, MARKER)
    if not osp.isfile(path):
        return None
    with open(path) as f:
        return f.read().strip()


def write_marker(folder: str, tool: str) -> None:
    """Mark ``folder`` as written by ``tool`` (atomically: temp file + rename)."""
    path = osp.join(folder, MARKER)
    tmp = f'{path}.{os.getpid()}.tmp'
    with open(tmp, 'w') as f:
        f.write(tool + '\n')
    os.replace(tmp, path)


def _shown(path: str) -> str:
    """``path`` as given, with its real path when a symlink or ``..`` hides it."""
    real = osp.realpath(path)
    return path if osp.abspath(path) == real else f'{path} (really {real})'


def _check_inputs(out_dir: str, inputs: Sequence[str]) -> None:
    """Refuse ``out_dir`` when it is, contains or lies inside an input folder."""
    out = osp.realpath(out_dir)
    for folder in inputs:
        real = osp.realpath(folder)
        if out == real:
            reason = 'is the input folder'
        elif is_within(out, real):
            reason = 'lies inside the input folder'
        elif is_within(real, out):
            reason = 'contains the input folder'
        else:
            continue
        raise OutputDirError(
            f'output folder {_shown(out_dir)} {reason} {_shown(folder)}: refusing to '
            'overwrite the input; choose an output folder outside the input folders')


def _check_owner(folder: str, tool: str, what: str = 'output folder') -> None:
    """Refuse an existing ``folder`` unless it is empty or marked as ``tool``'s output."""
    if not osp.lexists(folder):
        return
    if not osp.isdir(folder):
        raise OutputDirError(f'{what} {_shown(folder)} is a file, not a folder; choose '
                             'another output folder')
    if not os.listdir(folder):
        return
    owner = marker_tool(folder)
    if owner == tool:
        return
    writer = f'was written by {owner}, not by {tool}' if owner else (
        f'was not written by {tool} (it has no {MARKER} file)')
    raise OutputDirError(
        f'{what} {_shown(folder)} is not empty and {writer}: refusing to '
        'overwrite the files it holds; choose a new or empty output folder')


def check_output_dir(out_dir: str, inputs: Sequence[str], tool: str,
                     staged: bool = False) -> None:
    """Raise :class:`OutputDirError` unless ``tool`` may write ``out_dir``.

    Args:
        out_dir (str): The output folder (need not exist).
        inputs (Sequence[str]): The folders the tool reads (images, labels).
        tool (str): The writing tool's name, as its marker file holds it.
        staged (bool): Check its staging folder (:func:`staging_dir`) too, which
            :func:`stage_output_dir` will replace. Default: False.
    """
    _check_inputs(out_dir, inputs)
    _check_owner(out_dir, tool)
    if staged:
        _check_inputs(staging_dir(out_dir), inputs)
        _check_owner(staging_dir(out_dir), tool, 'staging folder')


def claim_output_dir(out_dir: str, inputs: Sequence[str], tool: str) -> None:
    """Check ``out_dir`` (:func:`check_output_dir`), then create and mark it.

    Args:
        out_dir (str): The output folder.
        inputs (Sequence[str]): The folders the tool reads.
        tool (str): The writing tool's name.
    """
    check_output_dir(out_dir, inputs, tool)
    os.makedirs(out_dir, exist_ok=True)
    write_marker(out_dir, tool)


def staging_dir(out_dir: str) -> str:
    """The temporary sibling that ``out_dir`` is written into: ``<out_dir>.partial``."""
    return osp.abspath(out_dir) + STAGING_SUFFIX  # abspath: '.' has no sibling name


def stage_output_dir(out_dir: str, inputs: Sequence[str], tool: str) -> str:
    """Check ``out_dir`` and make a fresh, marked staging folder for it; return its path.

    A staging folder that a killed run of the same tool left is removed first; any other
    non-empty folder under that name is refused, never removed.

    Args:
        out_dir (str): The final output folder (checked, left as it is).
        inputs (Sequence[str]): The folders the tool reads.
        tool (str): The writing tool's name.

    Returns:
        str: The staging folder; move it into place with :func:`publish_output_dir`.
    """
    check_output_dir(out_dir, inputs, tool, staged=True)
    staging = staging_dir(out_dir)
    if osp.isdir(staging):
        shutil.rmtree(staging)
    os.makedirs(staging)
    write_marker(staging, tool)
    return staging


def publish_output_dir(staging: str, out_dir: str) -> None:
    """Move the complete ``staging`` folder to ``out_dir``, replacing earlier output there.

    The old folder is renamed away before the new one is renamed in, so ``out_dir`` always
    names a complete label set (or, for a moment, nothing); the old one is removed last.
    """
    tool = marker_tool(staging)
    if tool is None:
        raise RuntimeError(f'{staging} has no {MARKER} file: it was not staged')
    _check_owner(out_dir, tool)  # still ours (nothing else took its place meanwhile)
    if not osp.lexists(out_dir):
        os.rename(staging, out_dir)
        return
    old = f'{osp.abspath(out_dir)}.old.{os.getpid()}'
    os.rename(out_dir, old)
    os.rename(staging, out_dir)
    if osp.islink(old):
        os.remove(old)  # only the link: its target held our earlier output
    else:
        shutil.rmtree(old)


def dataset_input_dirs(dataset_cfg: dict) -> List[str]:
    """The folders a dataset config reads: ``data_root`` joined with each ``data_prefix``
    entry (the root itself when there is none), through concatenated datasets."""
    if 'datasets' in dataset_cfg:
        return [d for sub in dataset_cfg['datasets'] for d in dataset_input_dirs(sub)]
    root = dataset_cfg.get('data_root') or ''
    prefixes = [p for p in (dataset_cfg.get('data_prefix') or {}).values() if p]
    return [os.path.join(root, p) for p in prefixes] or ([root] if root else [])
