"""Class centroids of label maps, the locations class-uniform sampling crops around
(Zhu et al., "Improving Semantic Segmentation via Efficient Self-Training", §3.2; the
released behaviour is NVIDIA/semantic-segmentation ``datasets/uniform.py``)."""
from typing import Dict, List, Tuple

import cv2
import numpy as np

from mmnoisy.utils.constants import IGNORE_INDEX

Centroids = Dict[int, List[Tuple[int, int]]]


def class_centroids(label: np.ndarray,
                    num_classes: int,
                    tile_size: int = 1024,
                    ignore_index: int = IGNORE_INDEX,
                    mode: str = 'tile') -> Centroids:
    """Centroids ``(x, y)`` of every class of a label map.

    ``mode='tile'`` (the released code): the map is cut into ``tile_size`` squares, full
    tiles only (a partial tile at the right or bottom edge is skipped), and every class
    present in a tile gives one centroid: the centre of mass of its pixels in that tile,
    truncated to int. Tiles are visited in row-major order, so each class's list follows it.
    ``mode='object'`` (the paper's text): one centroid per connected component
    (8-connectivity) of each class over the whole map.

    Args:
        label (np.ndarray): (H, W) integer label map.
        num_classes (int): Classes ``0 .. num_classes - 1``; other values (e.g.
            ``ignore_index``) give no centroid.
        tile_size (int): Tile side in pixels (``mode='tile'``). Default: 1024.
        ignore_index (int): Ignored label. Default: 255.
        mode (str): ``'tile'`` or ``'object'``. Default: 'tile'.

    Returns:
        dict: ``{class_id: [(x, y), ...]}`` for every class id, ``[]`` when absent.
    """
    label = np.asarray(label)
    if label.ndim != 2:
        raise ValueError(f'label must be (H, W), got shape {label.shape}')
    if mode == 'tile':
        return _tile_centroids(label, num_classes, tile_size, ignore_index)
    if mode == 'object':
        return _object_centroids(label, num_classes, ignore_index)
    raise ValueError(f"mode must be 'tile' or 'object', got {mode!r}")


def _tile_centroids(label: np.ndarray, num_classes: int, tile_size: int,
                    ignore_index: int) -> Centroids:
    centroids: Centroids = {c: [] for c in range(num_classes)}
    rows, cols = label.shape[0] // tile_size, label.shape[1] // tile_size
    if rows == 0 or cols == 0:
        return centroids
    # (rows, cols, tile, tile) view of the full tiles
    tiles = label[:rows * tile_size, :cols * tile_size].reshape(rows, tile_size, cols,
                                                                tile_size).swapaxes(1, 2)
    tiles = tiles.reshape(rows * cols, tile_size * tile_size).astype(np.int64)
    keep = (tiles >= 0) & (tiles < num_classes) & (tiles != ignore_index)
    # one bin per (tile, class): pixel counts and sums of in-tile coordinates
    bins = np.arange(rows * cols)[:, None] * num_classes + tiles
    local_y, local_x = np.divmod(np.arange(tile_size * tile_size), tile_size)
    size = rows * cols * num_classes
    count = np.bincount(bins[keep], minlength=size)
    sum_x = np.bincount(bins[keep], np.broadcast_to(local_x, tiles.shape)[keep], size)
    sum_y = np.bincount(bins[keep], np.broadcast_to(local_y, tiles.shape)[keep], size)
    for flat in np.flatnonzero(count):  # row-major tiles, then classes
        tile, class_id = divmod(int(flat), num_classes)
        off_y, off_x = divmod(tile, cols)
        x = int(sum_x[flat] / count[flat]) + off_x * tile_size
        y = int(sum_y[flat] / count[flat]) + off_y * tile_size
        centroids[class_id].append((x, y))
    return centroids


def _object_centroids(label: np.ndarray, num_classes: int, ignore_index: int) -> Centroids:
    centroids: Centroids = {c: [] for c in range(num_classes)}
    for class_id in np.unique(label):
        class_id = int(class_id)
        if class_id == ignore_index or not 0 <= class_id < num_classes:
            continue
        mask = (label == class_id).astype(np.uint8)
        count, _, _, centres = cv2.connectedComponentsWithStats(mask, connectivity=8)
        centroids[class_id] = [(int(x), int(y)) for x, y in centres[1:count]]
    return centroids
