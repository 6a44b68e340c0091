import pytest
from mmengine.config import Config
from mmengine.registry import DefaultScope, init_default_scope
from mmseg.registry import MODELS as MMSEG_MODELS

from mmnoisy.registry import DATASETS, MODELS, RUNNERS
from mmnoisy.models import DeepLabV2Head
from conftest import REPO


@pytest.fixture(autouse=True)
def mmnoisy_scope():
    init_default_scope('mmnoisy')
    yield
    DefaultScope._instance_dict.clear()


def test_mmnoisy_types_resolve_in_own_scope():
    assert MODELS.get('DeepLabV2Head') is DeepLabV2Head
    assert DATASETS.get('ProceduralShapesDataset').__module__.startswith('mmnoisy.')
    assert RUNNERS.get('MMNoisyRunner').__module__ == 'mmnoisy.engine.runner'


def test_mmseg_types_resolve_through_parent():
    from mmseg.models import EncoderDecoder
    assert MODELS.get('EncoderDecoder') is EncoderDecoder
    assert DATASETS.get('PascalVOCDataset').__module__.startswith('mmseg.')


def test_every_mmseg_registry_has_a_child():
    import mmseg.registry as parent
    import mmnoisy.registry as child
    names = [n for n in dir(parent) if n.isupper()]
    assert len(names) == 21
    for name in names:
        registry = getattr(child, name)
        assert registry.parent is getattr(parent, name), name
        assert registry.scope == 'mmnoisy'


def test_prefixed_type_from_mmseg_scope():
    """Existing mmseg deployments write `mmnoisy.X` under default_scope='mmseg'."""
    DefaultScope._instance_dict.clear()
    init_default_scope('mmseg')
    head = MMSEG_MODELS.build(dict(type='mmnoisy.DeepLabV2Head', in_channels=8,
                                   num_classes=3))
    assert isinstance(head, DeepLabV2Head)


def test_config_inherits_mmseg_bases():
    cfg = Config.fromfile(f'{REPO}/configs/demo/deeplabv2_r18-d8_1xb8-1.2k_shapes-112x112.py')
    # From mmseg::_base_/default_runtime.py, scope and runner overridden by ours.
    assert cfg.visualizer.type == 'SegLocalVisualizer'
    assert cfg.default_scope == 'mmnoisy'
    assert cfg.runner_type == 'MMNoisyRunner'
    voc = Config.fromfile(f'{REPO}/configs/_base_/datasets/voc12_aug.py')
    # pascal_voc12.py from mmseg gives the test dataloader's settings we keep
    assert voc.train_dataloader.dataset.type == 'PascalVOCSplitDataset'
    assert voc.train_dataloader.dataset._scope_ == 'mmnoisy'
