"""CentroidCrop: the crop holds the (scaled) centroid; random crop otherwise; its crop size
is shared with dataloader workers."""
import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, Dataset

from mmnoisy.datasets.samplers import CentroidSample
from mmnoisy.datasets.transforms import CentroidCrop


def results(h, w, sample_idx, ori=None):
    seg = np.arange(h * w, dtype=np.int64).reshape(h, w)  # pixel id = y * w + x
    return dict(img=np.zeros((h, w, 3), np.uint8), gt_seg_map=seg, seg_fields=['gt_seg_map'],
                ori_shape=ori or (h, w), sample_idx=sample_idx)


@pytest.mark.parametrize('cx,cy', [(0, 0), (59, 39), (30, 20), (2, 38), (57, 1)])
def test_crop_always_holds_the_centroid(cx, cy):
    np.random.seed(0)
    crop = CentroidCrop(crop_size=(16, 24))
    starts = set()
    for _ in range(1000):
        out = crop(results(40, 60, CentroidSample(7, (cx, cy), 1)))
        seg = out['gt_seg_map']
        assert seg.shape == (16, 24) and out['img'].shape[:2] == (16, 24)
        assert cy * 60 + cx in seg  # the centroid pixel is inside
        starts.add((seg[0, 0] // 60, seg[0, 0] % 60))
    ys, xs = zip(*starts)
    if (cx, cy) == (30, 20):  # y1 = randint(20 - 16 + 1, 20), x1 = randint(30 - 24 + 1, 30)
        assert (min(ys), max(ys), min(xs), max(xs)) == (5, 20, 7, 30)
    if (cx, cy) == (59, 39):  # clamped to the bottom-right corner
        assert starts == {(24, 36)}


def test_centroid_scales_with_the_image():
    np.random.seed(1)
    crop = CentroidCrop(crop_size=8)
    # the label was 20x30, the image is now 40x60 (resized x2): (29, 19) -> (58, 38)
    for _ in range(50):
        seg = crop(results(40, 60, CentroidSample(0, (29, 19), 2), ori=(20, 30)))['gt_seg_map']
        assert 38 * 60 + 58 in seg


def test_crop_larger_than_the_image_keeps_the_image_side():
    out = CentroidCrop(crop_size=(50, 10))(results(20, 30, CentroidSample(0, (25, 5), 1)))
    assert out['gt_seg_map'].shape == (20, 10)
    assert 5 * 30 + 25 in out['gt_seg_map']


def test_without_a_centroid_it_is_a_random_crop():
    np.random.seed(0)
    crop = CentroidCrop(crop_size=(10, 10))
    corners = {int(crop(results(40, 60, 3))['gt_seg_map'][0, 0]) for _ in range(50)}
    assert len(corners) > 10


class CropSizes(Dataset):
    def __init__(self, crop):
        self.crop = crop

    def __len__(self):
        return 4

    def __getitem__(self, i):
        return torch.tensor(self.crop.crop_size)


def test_crop_size_change_reaches_running_workers():
    crop = CentroidCrop(crop_size=32)
    loader = DataLoader(CropSizes(crop), batch_size=1, num_workers=1,
                        persistent_workers=True)
    assert [b.tolist() for b in loader] == [[[32, 32]]] * 4
    crop.crop_size = (16, 24)  # the worker process is already running
    assert [b.tolist() for b in loader] == [[[16, 24]]] * 4
