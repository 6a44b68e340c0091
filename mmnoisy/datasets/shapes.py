from mmnoisy.registry import DATASETS
from .checked_dataset import CheckedSegDataset

# The classes of the procedural data and their colours (drawn by
# mmnoisy.synthesis.shapes_generator; the label PNGs carry this palette).
CLASSES = ('background', 'disc', 'square', 'triangle', 'ring', 'cross', 'ellipse', 'star',
           'bar')
PALETTE = ((0, 0, 0), (128, 0, 0), (0, 128, 0), (128, 128, 0), (0, 0, 128), (128, 0, 128),
           (0, 128, 128), (128, 128, 128), (64, 0, 0))
# The pretraining corpus (``ShapesSpec(corpus='pretrain')``): other shapes, none of them a
# benchmark class, for pretraining backbones (docs/pretrained.md).
PRETRAIN_CLASSES = ('background', 'hexagon', 'crescent', 'arrow', 'heart', 'l_shape',
                    'droplet', 'chevron', 'semicircle', 'hourglass', 'trapezoid')
PRETRAIN_PALETTE = ((0, 0, 0), (192, 0, 0), (0, 192, 0), (192, 192, 0), (0, 0, 192),
                    (192, 0, 192), (0, 192, 192), (192, 192, 192), (64, 128, 0),
                    (128, 64, 192), (0, 64, 128))


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


@DATASETS.register_module()
class PretrainShapesDataset(ProceduralShapesDataset):
    """The procedural pretraining corpus (VOC layout): a background and 10 shape classes
    that the benchmark data does not have, each with its own texture.

    Written by ``tools/pretrain_backbones.py`` (or ``tools/generate_demo_data.py --corpus
    pretrain``) from :func:`mmnoisy.synthesis.generate_shapes_dataset` with
    ``ShapesSpec(corpus='pretrain')``.
    """
    METAINFO = dict(classes=PRETRAIN_CLASSES, palette=[list(c) for c in PRETRAIN_PALETTE])
