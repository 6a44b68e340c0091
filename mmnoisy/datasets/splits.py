"""Labeled/unlabeled split lists, following the DST-CBC protocol exactly.

The released ``generate_splits.py`` of DST-CBC seeds Python's ``random`` with 7777, then
for each repeat ``k`` shuffles the *same* list again (shuffles are cumulative) and, for each
divisor ``d``, takes the first ``n_lab = int(N / d)`` ids as labeled (one more when
``n_lab % 8 == 1``, to avoid a batch of one for BN) and the rest as unlabeled. Smaller
labeled sets are therefore prefixes of larger ones within a repeat. Files are named
``{round(d)}_labeled_{k}.txt`` / ``{round(d)}_unlabeled_{k}.txt`` (the release renamed its
``105.82`` and ``29.75`` files to 106 and 30), plus ``1_labeled_{k}`` and ``0_unlabeled_{k}``
holding the whole shuffled list.

A ``valtiny`` list (:func:`make_valtiny`) is a few val ids drawn with the same seed: the
methods select models on it during training, and the whole val list scores the final model.

:func:`unimatch_ids` reads the fixed lists released with UniMatch (LiheYoung/UniMatch,
``splits/``; UniMatch V2 ships the same files), which name an image and a label path per
line, and returns the ids mmnoisy's datasets read (``tools/unimatch_splits.py``).
"""
import collections
import os
import os.path as osp
import random
import re
from typing import Dict, Iterable, List, Sequence, Tuple

from .validation import InvalidDatasetError

DST_CBC_SEED = 7777
# VOC trainaug (10582 ids): 1/106 -> 100, 1/50 -> 211, 1/20 -> 530, 1/8 -> 1322, 1/4 -> 2645.
VOC_DIVISORS = (2, 4, 8, 20, 50, 105.82)
# Cityscapes train (2975 ids): 1/30 -> 100.
CITYSCAPES_DIVISORS = (2, 4, 8, 20, 29.75)


def read_ids(path: str) -> List[str]:
    """Read a split list: one id per line, blank lines skipped.

    Raises:
        InvalidDatasetError: an absolute id, or one that climbs out of the data folders
            (``..``): files named after it would be written outside the output folder.
    """
    with open(path) as f:
        ids = [line.strip() for line in f if line.strip()]
    check_inside(ids, path)
    return ids


def check_inside(ids: Sequence[str], source: str) -> None:
    """Refuse absolute ids and ids that climb out of the data folders (``..``)."""
    escaping = [i for i in ids if osp.isabs(i) or osp.normpath(i).split(os.sep)[0] == '..']
    if escaping:
        raise InvalidDatasetError(
            f'split list {source} has {len(escaping)} id(s) outside the data folders, e.g. '
            f'{escaping[0]!r}: ids are relative names such as 2007_000032 or '
            'aachen/aachen_000000_000019')


def labeled_count(num_ids: int, divisor: float) -> int:
    """``int(N / divisor)``, plus one when that leaves a remainder of 1 modulo 8."""
    if divisor <= 0:
        raise ValueError(f'split divisor must be > 0, got {divisor}')
    count = int(num_ids / divisor)
    return count + 1 if count % 8 == 1 else count


def split_name(divisor: float) -> str:
    return str(int(round(divisor)))


def check_unique(ids: Sequence[str], source: str = 'the id list') -> None:
    """Refuse an id list that repeats an id."""
    counts = collections.Counter(ids)
    duplicates = sorted(i for i, n in counts.items() if n > 1)
    if duplicates:
        raise InvalidDatasetError(f'{source} repeats {len(duplicates)} id(s), e.g. '
                                  f'{duplicates[:5]}; each id must appear once')


def make_valtiny(ids: Sequence[str], size: int, seed: int = DST_CBC_SEED) -> List[str]:
    """``size`` ids of a val list, drawn with ``seed``, in the list's order.

    Args:
        ids (Sequence[str]): The whole val list.
        size (int): How many ids to keep, 1 to ``len(ids)``.
        seed (int): Seed of Python's ``random``. Default: 7777.
    """
    check_unique(ids)
    if not 0 < size <= len(ids):
        raise InvalidDatasetError(f'a valtiny list of {size} ids cannot be drawn from a val '
                                  f'list of {len(ids)}; choose a size from 1 to {len(ids)}')
    chosen = set(random.Random(seed).sample(list(ids), size))
    return [i for i in ids if i in chosen]


def make_dst_cbc_splits(ids: Sequence[str],
                        divisors: Sequence[float] = VOC_DIVISORS,
                        num_repeats: int = 3,
                        seed: int = DST_CBC_SEED) -> Dict[str, List[str]]:
    """Split lists of the DST-CBC protocol, keyed by file stem (e.g. ``20_labeled_0``).

    Args:
        ids (Sequence[str]): The whole training set, in file order.
        divisors (Sequence[float]): Labeled fraction ``1/d`` of each split.
        num_repeats (int): Number of cumulative shuffles (released: 3).
        seed (int): Seed of Python's ``random`` (released: 7777).
    """
    check_unique(ids)
    rng = random.Random(seed)
    order = list(ids)
    splits = {}
    for k in range(num_repeats):
        rng.shuffle(order)
        for divisor in divisors:
            n_lab = labeled_count(len(order), divisor)
            splits[f'{split_name(divisor)}_labeled_{k}'] = order[:n_lab]
            splits[f'{split_name(divisor)}_unlabeled_{k}'] = order[n_lab:]
        splits[f'1_labeled_{k}'] = list(order)
        splits[f'0_unlabeled_{k}'] = list(order)
    return splits


def write_splits(splits: Dict[str, List[str]], out_dir: str) -> List[str]:
    """Write each list to ``out_dir/<name>.txt`` atomically; return the paths."""
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for name, ids in splits.items():
        path = osp.join(out_dir, f'{name}.txt')
        tmp = path + '.tmp'
        with open(tmp, 'w') as f:
            f.write(''.join(f'{i}\n' for i in ids))
        os.replace(tmp, path)
        paths.append(path)
    return paths


def check_disjoint(labeled: Sequence[str], unlabeled: Sequence[str],
                   names: Tuple[str, str] = ('labeled', 'unlabeled'),
                   fix: str = 'regenerate the lists with tools/make_splits.py') -> None:
    """Refuse labeled and unlabeled lists that share ids."""
    shared = sorted(set(labeled) & set(unlabeled))
    if shared:
        raise InvalidDatasetError(
            f'{len(shared)} id(s) are in both the {names[0]} and the {names[1]} list, e.g. '
            f'{shared[:5]}; an image is either labeled or unlabeled ({fix})')


# UniMatch's lists: "<image path> <label path>" per line, relative to the dataset root.
# The id is what mmnoisy's datasets join with their img_path/seg_map_path prefix and suffix:
# VOC `JPEGImages/<id>.jpg`, Cityscapes `leftImg8bit/<train|val>/<id>_leftImg8bit.png` with
# ids `city/city_xxxxxx_yyyyyy`.
UNIMATCH_LAYOUTS = {
    'pascal': (r'JPEGImages/(?P<id>[^/\s]+)\.jpg',
               r'SegmentationClass/(?P<id>[^/\s]+)\.png'),
    'cityscapes': (r'leftImg8bit/(?P<subset>train|val)/(?P<id>[^/\s]+/[^/\s]+)'
                   r'_leftImg8bit\.png',
                   r'gtFine/(?P<subset>train|val)/(?P<id>[^/\s]+/[^/\s]+)'
                   r'_gtFine_labelTrainIds\.png'),
}

UNIMATCH_EXAMPLES = {
    'pascal': 'JPEGImages/2007_000032.jpg SegmentationClass/2007_000032.png',
    'cityscapes': ('leftImg8bit/train/aachen/aachen_000000_000019_leftImg8bit.png '
                   'gtFine/train/aachen/aachen_000000_000019_gtFine_labelTrainIds.png'),
}


def unimatch_ids(lines: Iterable[str], dataset: str, source: str = 'the list') -> List[str]:
    """The ids of a UniMatch split list, in its order.

    Args:
        lines (Iterable[str]): The list's lines (blank lines skipped), e.g.
            ``JPEGImages/2007_000032.jpg SegmentationClass/2007_000032.png``.
        dataset (str): ``'pascal'`` or ``'cityscapes'`` (UniMatch's folder names).
        source (str): The list's name, for messages.

    Raises:
        InvalidDatasetError: a line that is not an image and a label path of that dataset,
            an image and a label of different ids, a Cityscapes list mixing train and val
            images (a dataset reads one folder), or a repeated id.
    """
    if dataset not in UNIMATCH_LAYOUTS:
        raise ValueError(f'unknown UniMatch dataset {dataset!r}; '
                         f'choose from {sorted(UNIMATCH_LAYOUTS)}')
    img_pattern, seg_pattern = map(re.compile, UNIMATCH_LAYOUTS[dataset])
    ids, subsets = [], set()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        fields = line.split()
        img = img_pattern.fullmatch(fields[0]) if len(fields) == 2 else None
        seg = seg_pattern.fullmatch(fields[1]) if img else None
        if not seg or img.groupdict() != seg.groupdict():
            raise InvalidDatasetError(
                f'line {number} of {source} is not a UniMatch {dataset} pair of an image and '
                f'its label: {line.strip()!r}; expected e.g. '
                f'{UNIMATCH_EXAMPLES[dataset]!r}')
        ids.append(img['id'])
        subsets.add(img.groupdict().get('subset'))
    if len(subsets) > 1:
        raise InvalidDatasetError(f'{source} mixes {" and ".join(sorted(subsets))} images; '
                                  'a dataset reads one folder, so split the list')
    check_unique(ids, source)
    check_inside(ids, source)
    return ids

