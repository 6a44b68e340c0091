import os
import os.path as osp
from typing import Optional, Sequence

import numpy as np
from PIL import Image


def write_label_png(path: str, label: np.ndarray,
                    palette: Optional[Sequence[Sequence[int]]] = None) -> None:
    """Write a uint8 label map as a (palette) PNG atomically: a killed run leaves no
    truncated file, only complete labels or none."""
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    image = Image.fromarray(label.astype(np.uint8), mode='P' if palette else 'L')
    if palette:
        flat = [v for colour in palette for v in colour]
        image.putpalette(flat + [255, 255, 255] * (256 - len(palette)))
    tmp = f'{path}.tmp{os.getpid()}'
    image.save(tmp, format='PNG')
    os.replace(tmp, path)
