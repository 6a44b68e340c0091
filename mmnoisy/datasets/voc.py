from mmseg.datasets import CityscapesDataset, PascalVOCDataset

from mmnoisy.registry import DATASETS
from .checked_dataset import CheckedSegDataset


@DATASETS.register_module()
class PascalVOCSplitDataset(CheckedSegDataset):
    """PASCAL VOC 2012 (with SBD's ``SegmentationClassAug``) read from a split list.

    Split lists follow the DST-CBC protocol (``tools/make_splits.py``): one id per line,
    e.g. ``splits/voc12/20_labeled_0.txt``.
    """
    METAINFO = PascalVOCDataset.METAINFO

    def __init__(self, img_suffix='.jpg', seg_map_suffix='.png', **kwargs):
        super().__init__(img_suffix=img_suffix, seg_map_suffix=seg_map_suffix, **kwargs)


@DATASETS.register_module()
class CityscapesSplitDataset(CheckedSegDataset):
    """Cityscapes (19 train ids) read from a split list of ``city/city_xxxxxx_yyyyyy`` ids."""
    METAINFO = CityscapesDataset.METAINFO

    def __init__(self,
                 img_suffix='_leftImg8bit.png',
                 seg_map_suffix='_gtFine_labelTrainIds.png',
                 **kwargs):
        super().__init__(img_suffix=img_suffix, seg_map_suffix=seg_map_suffix, **kwargs)
