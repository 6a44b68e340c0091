"""The class-centroid index of a dataset: built once by streaming over its label maps, cached
as JSON, rebuilt when a label file changes (e.g. new pseudo labels)."""
import hashlib
import json
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.logging import print_log

from mmnoisy.datasets.label_io import read_label
from mmnoisy.utils.constants import IGNORE_INDEX
from mmnoisy.utils.progress import progress
from .class_centroids import class_centroids

# {class_id: [(image_index, x, y), ...]}
CentroidIndex = Dict[int, List[Tuple[int, int, int]]]


def dataset_label_files(dataset) -> List[dict]:
    """``seg_map_path``, ``reduce_zero_label`` and ``label_map`` of every sample."""
    if hasattr(dataset, 'full_init'):
        dataset.full_init()
    keys = ('seg_map_path', 'reduce_zero_label', 'label_map')
    return [{k: dataset.get_data_info(i).get(k) for k in keys} for i in range(len(dataset))]


def _load_label(info: dict) -> np.ndarray:
    """The label as mmseg's ``LoadAnnotations`` gives it to the pipeline."""
    label, _ = read_label(info['seg_map_path'])
    if info.get('reduce_zero_label'):  # 0 -> ignored, ignored stays, others shift down
        label[label == 0] = IGNORE_INDEX
        label = label - 1
        label[label == IGNORE_INDEX - 1] = IGNORE_INDEX
    if info.get('label_map'):
        mapped = label.copy()
        for old, new in info['label_map'].items():
            mapped[label == old] = new
        label = mapped
    return label


def _cache_key(files: Sequence[dict], params: dict) -> str:
    digest = hashlib.sha1(json.dumps(params, sort_keys=True).encode())
    for info in files:
        stat = os.stat(info['seg_map_path'])
        digest.update(f'{info["seg_map_path"]}|{stat.st_mtime_ns}|{stat.st_size}|'
                      f'{info.get("reduce_zero_label")}|{info.get("label_map")}\n'.encode())
    return digest.hexdigest()


def centroid_cache_dir(work_dir: str) -> str:
    """Where a run caches its centroid indexes: ``<work_dir>/centroids`` (the training loop
    and ``tools/build_centroids.py`` agree on it)."""
    return osp.join(work_dir, 'centroids')


def build_centroid_index(dataset,
                         num_classes: int,
                         tile_size: int = 1024,
                         mode: str = 'tile',
                         ignore_index: int = IGNORE_INDEX,
                         cache_dir: Optional[str] = None) -> CentroidIndex:
    """Class centroids of every label map of ``dataset`` (see :func:`class_centroids`).

    The result is cached as ``<cache_dir>/centroids_<key>.json``; the key hashes the
    parameters and every label file's path, mtime and size, so changed labels (a new round
    of pseudo labels) are indexed afresh and an unchanged dataset is read back.
    ``cache_dir=None`` caches nothing.
    """
    files = dataset_label_files(dataset)
    missing = [f for f in files if not f['seg_map_path']]
    if missing:
        raise ValueError('the centroid index needs a label map (seg_map_path) for every '
                         'sample of the dataset')
    params = dict(num_classes=num_classes, tile_size=tile_size, mode=mode,
                  ignore_index=ignore_index)
    cache_file = None
    if cache_dir:
        cache_file = osp.join(cache_dir, f'centroids_{_cache_key(files, params)[:20]}.json')
        if osp.isfile(cache_file):
            with open(cache_file) as f:
                stored = json.load(f)
            print_log(f'class centroids read from {cache_file}', logger='current')
            return {int(c): [tuple(item) for item in items]
                    for c, items in stored['centroids'].items()}
    index: CentroidIndex = {c: [] for c in range(num_classes)}
    bar = progress(len(files), 'class centroids')
    for image_index, info in enumerate(files):
        label = _load_label(info)
        for class_id, points in class_centroids(label, num_classes, tile_size, ignore_index,
                                                mode).items():
            index[class_id].extend((image_index, x, y) for x, y in points)
        bar.update()
    print_log('class centroids: ' + ', '.join(f'{c}: {len(v)}' for c, v in index.items()),
              logger='current')
    if cache_file:
        _write_json(cache_file, dict(params, num_images=len(files), centroids=index))
    return index


def _write_json(path: str, content: dict) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    tmp = f'{path}.{os.getpid()}.tmp'
    with open(tmp, 'w') as f:
        json.dump(content, f)
    os.replace(tmp, path)
