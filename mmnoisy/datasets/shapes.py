from mmnoisy.registry import DATASETS
from .checked_dataset import CheckedSegDataset
from .shapes_generator import CLASSES, PALETTE


@DATASETS.register_module()
class ProceduralShapesDataset(CheckedSegDataset):
    """The procedural shapes dataset that ships with mmnoisy (VOC layout).

    Written by :func:`mmnoisy.datasets.generate_shapes_dataset` or
    ``tools/generate_demo_data.py``: a background and 8 textured shape classes with a
    long-tailed frequency (``star`` and ``bar`` are rare and small).
    """
    METAINFO = dict(classes=CLASSES, palette=[list(c) for c in PALETTE])

    def __init__(self, img_suffix='.jpg', seg_map_suffix='.png', **kwargs):
        super().__init__(img_suffix=img_suffix, seg_map_suffix=seg_map_suffix, **kwargs)
