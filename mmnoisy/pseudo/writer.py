from typing import Optional, Sequence

import numpy as np

from mmnoisy.datasets.label_io import write_label


def write_label_png(path: str, label: np.ndarray,
                    palette: Optional[Sequence[Sequence[int]]] = None) -> None:
    """Write a uint8 label map as a (palette) PNG atomically: a killed run leaves no
    truncated file, only complete labels or none.

    Args:
        path (str): The PNG to write.
        label (np.ndarray): (H, W) class ids (255 = ignore).
        palette (Sequence[Sequence[int]], optional): RGB colour of each class (a dataset's
            ``metainfo['palette']``); the unlisted indices, 255 included, are white.
    """
    flat = None
    if palette:
        flat = [v for colour in palette for v in colour]
        flat += [255, 255, 255] * (256 - len(palette))
    write_label(path, label, flat)  # the one atomic label writer (temp file + rename)
