"""How much of the dense labels sparse labels keep: the report of offline sparse-label
synthesis (``tools/synth_sparse_labels.py``). The scribbles and points themselves are drawn by
:func:`mmnoisy.datasets.transforms.sparse_labels.sparsify`, shared with the runtime
:class:`~mmnoisy.datasets.transforms.SynthSparseLabels` transform."""
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import numpy as np

from mmnoisy.utils.constants import IGNORE_INDEX


@dataclass
class CoverageReport:
    """How much of the dense labels the sparse labels keep, accumulated over images.

    ``dense[c]`` / ``sparse[c]``: labelled pixels of class c; ``images[c]`` / ``hit[c]``:
    images containing class c densely / with at least one sparse pixel of it.
    """
    num_classes: int
    num_images: int = 0
    dense: np.ndarray = field(init=False)
    sparse: np.ndarray = field(init=False)
    images: np.ndarray = field(init=False)
    hit: np.ndarray = field(init=False)

    def __post_init__(self):
        for name in ('dense', 'sparse', 'images', 'hit'):
            setattr(self, name, np.zeros(self.num_classes, np.int64))

    def update(self, dense: np.ndarray, sparse: np.ndarray):
        valid = dense != IGNORE_INDEX
        d = np.bincount(dense[valid].ravel(), minlength=self.num_classes)[:self.num_classes]
        kept = sparse != IGNORE_INDEX
        s = np.bincount(sparse[kept].ravel(), minlength=self.num_classes)[:self.num_classes]
        self.dense += d
        self.sparse += s
        self.images += d > 0
        self.hit += s > 0
        self.num_images += 1

    def summary(self, class_names: Optional[List[str]] = None) -> Dict:
        names = class_names or [str(c) for c in range(self.num_classes)]
        per_class = {
            names[c]: dict(coverage=float(self.sparse[c] / max(self.dense[c], 1)),
                           images=int(self.images[c]), labelled_images=int(self.hit[c]))
            for c in range(self.num_classes) if self.images[c]
        }
        return dict(images=self.num_images,
                    labelled_fraction=float(self.sparse.sum() / max(self.dense.sum(), 1)),
                    missed_image_classes=int((self.images - self.hit).sum()),
                    per_class=per_class)
