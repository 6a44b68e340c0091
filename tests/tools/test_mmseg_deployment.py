"""An existing mmseg deployment: mmseg's own tools/train.py, custom_imports, `mmnoisy.` types."""
import os.path as osp

import mmseg
import pytest

from conftest import TINY_CONFIG, run_tool, tiny_options


def test_mmseg_train_tool_with_custom_imports(tmp_path, shapes_root):
    train = osp.join(osp.dirname(mmseg.__file__), '.mim', 'tools', 'train.py')
    if not osp.isfile(train):
        pytest.skip('mmseg installed without its tools')
    config = tmp_path / 'mmseg_style.py'
    config.write_text(
        f"_base_ = '{osp.abspath(TINY_CONFIG)}'\n"
        "default_scope = 'mmseg'\n"
        "custom_imports = dict(imports=['mmnoisy'], allow_failed_imports=False)\n"
        "runner_type = 'Runner'\n"
        "model = dict(decode_head=dict(type='mmnoisy.DeepLabV2Head'))\n"
        "_shapes = dict(type='mmnoisy.ProceduralShapesDataset')\n"
        "train_dataloader = dict(dataset=_shapes)\n"
        "val_dataloader = dict(dataset=_shapes)\n"
        "test_dataloader = dict(dataset=_shapes)\n")
    work_dir = tmp_path / 'work'
    proc = run_tool(train, str(config), '--work-dir', str(work_dir),
                    *tiny_options(shapes_root, 'train_cfg.max_iters=2'))
    assert osp.isfile(work_dir / 'iter_2.pth'), proc.stderr[-2000:]
