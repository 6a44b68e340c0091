"""Reading and writing label PNGs (palette kept, writes atomic)."""
import os
import os.path as osp
from typing import Optional, Tuple

import numpy as np
from PIL import Image


def read_label(path: str) -> Tuple[np.ndarray, Optional[list]]:
    """The (H, W) uint8 label at ``path`` and its palette (None unless a 'P' PNG)."""
    with Image.open(path) as img:
        label = np.array(img)
        palette = img.getpalette() if img.mode == 'P' else None
    if label.ndim != 2:
        raise ValueError(f'{path} is not a single-channel label map (shape {label.shape})')
    return label.astype(np.uint8), palette


def write_label(path: str, label: np.ndarray, palette: Optional[list] = None) -> None:
    """Write ``label`` as a PNG (with ``palette``, a flat RGB list, if given) through a
    temporary file, so a reader never sees a partial file. Every index reads back as written,
    also past a palette of fewer than 256 colours."""
    out = Image.fromarray(np.asarray(label, np.uint8))
    if palette is not None:
        # PIL stores a palette of n colours with the fewest bits per pixel that hold n (4 for
        # up to 16 colours), which cuts the indices past it: 255 (ignore) would be read back
        # as 15. Unlisted colours are white, up to 256, so the PNG keeps 8 bits.
        palette = list(palette)[:768]
        out = out.convert('P')
        out.putpalette(palette + [255] * (768 - len(palette)))
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    tmp = f'{path}.{os.getpid()}.tmp.png'
    out.save(tmp)
    os.replace(tmp, path)
