"""Up-front checks of a segmentation dataset on disk, so bad data fails in one clear line.

A wrong data root, an id with no image, a label with out-of-range values or another size
than its image would otherwise surface as a long traceback from inside a dataloader worker,
possibly hours into training. These checks run once when the dataset is built.
"""
import os.path as osp
from concurrent.futures import ThreadPoolExecutor
from typing import List, Optional, Sequence

import numpy as np
from mmengine.logging import print_log
from PIL import Image

from mmnoisy.utils.constants import IGNORE_INDEX
from mmnoisy.utils.errors import UserError

_MAX_LISTED = 5


class InvalidDatasetError(UserError, ValueError):
    """Data on disk that a dataset cannot use; the message names the file and the fix."""


def _listing(items: Sequence[str]) -> str:
    shown = ', '.join(items[:_MAX_LISTED])
    more = len(items) - _MAX_LISTED
    return shown + (f' and {more} more' if more > 0 else '')


def check_dir(path: Optional[str], what: str, hint: str = '') -> None:
    if path is not None and not osp.isdir(path):
        raise InvalidDatasetError(f'{what} {path!r} does not exist.' + (f' {hint}' if hint else ''))


def check_files_exist(paths: Sequence[str], ids: Sequence[str], what: str,
                      source: str) -> None:
    """Raise naming the ids whose ``what`` file is missing."""
    missing = [i for i, p in zip(ids, paths) if not osp.isfile(p)]
    if missing:
        example = paths[ids.index(missing[0])]
        raise InvalidDatasetError(
            f'{len(missing)} id(s) listed in {source} have no {what} (e.g. {example}): '
            f'{_listing(missing)}. Fix the split list or add the files.')


def unreadable(path: str, what: str, error: Exception) -> str:
    """The message for an image or label file that cannot be decoded."""
    reason = ' '.join(str(error).split()) or type(error).__name__  # one line (cv2's end in \n)
    return (f'{what} {path} cannot be decoded ({reason}); it is truncated or corrupt: '
            'replace the file or remove its id from the split list')


def _check_label(args) -> Optional[str]:
    img_path, seg_path, valid = args
    try:
        with Image.open(seg_path) as seg:
            if seg.mode not in ('P', 'L', 'I', 'I;16'):
                return (f'label {seg_path} is a {seg.mode} image; labels must be '
                        'single-channel PNGs of class indices (palette or grayscale), '
                        '255 = ignore')
            label = np.asarray(seg)
    except (OSError, SyntaxError, ValueError) as error:  # PIL's decoding errors
        return unreadable(seg_path, 'label', error)
    try:
        # Only the header: decoding every image here would slow down large datasets; a
        # body that fails to decode is reported by LoadImageFromFile when it is loaded.
        with Image.open(img_path) as img:
            width, height = img.size
    except (OSError, SyntaxError, ValueError) as error:
        return unreadable(img_path, 'image', error)
    if label.shape != (height, width):
        return (f'label {seg_path} is {label.shape[1]}x{label.shape[0]} but its image '
                f'{img_path} is {width}x{height}; labels must match their images pixel for pixel')
    if label.dtype == np.uint8:
        present = np.flatnonzero(np.bincount(label.ravel(), minlength=256))
    else:
        present = np.unique(label)
    bad = [int(v) for v in present if not (0 <= v < len(valid) and valid[v])]
    if bad:
        allowed_max = int(np.flatnonzero(valid[:IGNORE_INDEX]).max())
        return (f'label {seg_path} has values {bad[:10]} outside [0, {allowed_max}] and the '
                f'ignore index {IGNORE_INDEX}; remap them to class ids or to 255')
    return None


def check_labels(img_paths: List[str], seg_paths: List[str], num_classes: int,
                 reduce_zero_label: bool = False, num_threads: int = 4) -> None:
    """Check every label: single channel, same size as its image, values in range.

    Args:
        img_paths (list[str]): Image files, paired with ``seg_paths``.
        seg_paths (list[str]): Label PNGs.
        num_classes (int): Labels must lie in ``[0, num_classes)`` or be 255
            (``[0, num_classes]`` with ``reduce_zero_label``, whose 0 becomes ignore).
        reduce_zero_label (bool): See above.
        num_threads (int): Decoding threads (PIL releases the GIL while decoding).

    Raises:
        InvalidDatasetError: on the first bad label, naming it.
    """
    valid = np.zeros(256, bool)
    valid[:num_classes + int(reduce_zero_label)] = True
    valid[IGNORE_INDEX] = True
    if len(seg_paths) > 2000:
        print_log(f'checking {len(seg_paths)} labels (once, at dataset build)...',
                  logger='current')
    jobs = [(i, s, valid) for i, s in zip(img_paths, seg_paths)]
    with ThreadPoolExecutor(num_threads) as pool:
        for problem in pool.map(_check_label, jobs, chunksize=64):
            if problem is not None:
                raise InvalidDatasetError(problem)
