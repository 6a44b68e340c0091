"""The one label PNG reader/writer: every index reads back as written, palette kept."""
import numpy as np
import pytest

from mmnoisy.datasets.label_io import read_label, write_label


@pytest.mark.parametrize('colours', [2, 6, 16, 17, 256])
def test_indices_survive_a_short_palette(tmp_path, colours):
    """A palette of 6 colours (a user's 6-class masks) once wrote 4-bit PNGs: 255 (ignore)
    read back as 15."""
    palette = [v for i in range(colours) for v in (i, 2 * i % 256, 3 * i % 256)]
    label = np.array([[0, 1, 5], [15, 16, 255]], np.uint8)
    path = str(tmp_path / 'label.png')
    write_label(path, label, palette)
    read, read_palette = read_label(path)
    np.testing.assert_array_equal(read, label)
    assert read_palette[:len(palette)] == palette


def test_without_palette_writes_grayscale(tmp_path):
    label = np.array([[0, 3, 255]], np.uint8)
    write_label(str(tmp_path / 'label.png'), label)
    read, palette = read_label(str(tmp_path / 'label.png'))
    np.testing.assert_array_equal(read, label)
    assert palette is None
