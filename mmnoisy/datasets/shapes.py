from mmnoisy.registry import DATASETS
from .checked_dataset import CheckedSegDataset

# The classes of the procedural data and their colours (drawn by
# mmnoisy.synthesis.shapes_generator; the label PNGs carry this palette).
CLASSES = ('background', 'disc', 'square', 'triangle', 'ring', 'cross', 'ellipse', 'star',
           'bar')
PALETTE = ((0, 0, 0), (128, 0, 0), (0, 128, 0), (128, 128, 0), (0, 0, 128), (128, 0, 128),
           (0, 128, 128), (128, 128, 128), (64, 0, 0))


@DATASETS.register_module()
class ProceduralShapesDataset(CheckedSegDataset):
    """The procedural shapes dataset that ships with mmnoisy (VOC layout).

    Written by :func:`mmnoisy.synthesis.generate_shapes_dataset` or
    ``tools/generate_demo_data.py``: a background and 8 textured shape classes with a
    long-tailed frequency (``star`` and ``bar`` are rare and small).
    """
    METAINFO = dict(classes=CLASSES, palette=[list(c) for c in PALETTE])

    def __init__(self, img_suffix='.jpg', seg_map_suffix='.png', **kwargs):
        super().__init__(img_suffix=img_suffix, seg_map_suffix=seg_map_suffix, **kwargs)
