"""class_centroids on hand-made label maps, and the cached centroid index of a dataset."""
import json
import os
from glob import glob

import numpy as np
import pytest

from mmnoisy.datasets.label_io import write_label
from mmnoisy.datasets.samplers import build_centroid_index, class_centroids


def hand_label():
    """6x9 map, 3x3 tiles: full tiles cover rows 0-5 and columns 0-8 (2 x 3 tiles)."""
    label = np.zeros((7, 10), np.uint8)  # row 6 and column 9 are outside every full tile
    label[0:2, 0:2] = 1          # tile (0, 0): class 1 at x,y in {0,1}: mean (0.5, 0.5)
    label[0, 3:6] = 2            # tile (0, 1): class 2 row 0, x 3..5: mean (4, 0)
    label[4, 7] = 2              # tile (1, 2): one class-2 pixel at (7, 4)
    label[3:6, 3:6] = 255        # tile (1, 1): all ignored
    label[6, :] = 3              # class 3 only in the partial bottom row
    label[:, 9] = 3              # and the partial right column
    return label


def test_tiles_row_major_truncated_centres():
    cents = class_centroids(hand_label(), num_classes=5, tile_size=3)
    assert cents[1] == [(0, 0)]
    assert cents[2] == [(4, 0), (7, 4)]
    # class 0: tile (0,0) pixels (2,0),(2,1),(0,2),(1,2),(2,2): mean (1.4, 1.4) -> (1, 1)
    # tile (0,1): rows 1-2 of x 3..5: mean (4, 1.5) -> (4, 1); tile (0,2): (7, 1);
    # tile (1,0): (1, 4); tile (1,1): ignored only -> none; tile (1,2): 8 pixels without
    # (7, 4): mean x 7, y 4 -> (7, 4)
    assert cents[0] == [(1, 1), (4, 1), (7, 1), (1, 4), (7, 4)]
    assert cents[3] == []  # only in partial tiles
    assert cents[4] == []  # absent class
    assert set(cents) == set(range(5))


def test_ignore_and_out_of_range_labels_give_no_centroid():
    label = np.full((4, 4), 255, np.uint8)
    label[0, 0] = 7  # >= num_classes
    assert class_centroids(label, num_classes=3, tile_size=2) == {0: [], 1: [], 2: []}


def test_image_smaller_than_a_tile_has_no_centroid():
    assert class_centroids(np.ones((5, 5), np.uint8), 2, tile_size=8) == {0: [], 1: []}


def test_object_mode_one_centroid_per_component():
    label = np.zeros((6, 8), np.uint8)
    label[0:2, 0:2] = 1    # component at (0.5, 0.5) -> (0, 0)
    label[3:6, 5:8] = 1    # component at (6, 4)
    label[5, 0] = 255
    cents = class_centroids(label, 3, mode='object')
    assert sorted(cents[1]) == [(0, 0), (6, 4)]
    assert len(cents[0]) == 1 and cents[2] == []


def test_bad_mode():
    with pytest.raises(ValueError, match='mode'):
        class_centroids(np.zeros((2, 2)), 2, mode='grid')


class LabelFolder:
    """The part of a dataset the index reads: len, get_data_info(i)['seg_map_path']."""

    def __init__(self, paths, reduce_zero_label=False):
        self.paths, self.reduce = paths, reduce_zero_label

    def __len__(self):
        return len(self.paths)

    def get_data_info(self, i):
        return dict(seg_map_path=self.paths[i], reduce_zero_label=self.reduce, label_map=None)


def make_labels(folder, count=3):
    paths = []
    for i in range(count):
        label = np.zeros((4, 4), np.uint8)
        label[0, 0] = 1 + i % 2
        paths.append(str(folder / f'{i}.png'))
        write_label(paths[-1], label)
    return paths


def test_index_is_cached_and_rebuilt_when_labels_change(tmp_path):
    dataset = LabelFolder(make_labels(tmp_path / 'labels'))
    cache = str(tmp_path / 'cache')
    index = build_centroid_index(dataset, 3, tile_size=4, cache_dir=cache)
    assert index[1] == [(0, 0, 0), (2, 0, 0)] and index[2] == [(1, 0, 0)]
    assert [(i, x, y) for i, x, y in index[0]] == [(0, 1, 1), (1, 1, 1), (2, 1, 1)]
    [cache_file] = glob(f'{cache}/centroids_*.json')
    stored = json.load(open(cache_file))
    stored['centroids']['1'] = [[9, 9, 9]]  # proves the next call reads the cache
    json.dump(stored, open(cache_file, 'w'))
    assert build_centroid_index(dataset, 3, tile_size=4, cache_dir=cache)[1] == [(9, 9, 9)]
    # new labels (a new pseudo-label round): a new key, indexed afresh
    label = np.full((4, 4), 2, np.uint8)
    write_label(dataset.paths[0], label)
    os.utime(dataset.paths[0], ns=(1, 1))
    index = build_centroid_index(dataset, 3, tile_size=4, cache_dir=cache)
    assert index[1] == [(2, 0, 0)] and index[2][0] == (0, 1, 1)
    assert len(glob(f'{cache}/centroids_*.json')) == 2


def test_index_applies_reduce_zero_label(tmp_path):
    dataset = LabelFolder(make_labels(tmp_path, 1), reduce_zero_label=True)
    index = build_centroid_index(dataset, 3, tile_size=4)  # no runner: no cache
    assert index[0] == [(0, 0, 0)] and index[1] == [] and index[2] == []
