import importlib.util
import subprocess
import sys

import pytest

from mmnoisy.utils import compat


def test_placeholder_only_without_compiled_mmcv():
    ext = sys.modules['mmcv._ext']
    real = not getattr(ext, 'is_placeholder', False)
    from mmengine.utils.dl_utils import mmcv_full_available
    # The placeholder must not make mmengine believe full mmcv is installed.
    assert mmcv_full_available() is real
    assert compat.install_mmcv_ext_placeholder() is False  # idempotent


@pytest.mark.skipif(importlib.util.find_spec('mmcv._ext').loader is not None,
                    reason='full mmcv installed')
def test_placeholder_op_raises_clear_error():
    import mmcv._ext as ext
    with pytest.raises(RuntimeError, match='compiled mmcv extension'):
        ext.sigmoid_focal_loss_forward()
    with pytest.raises(AttributeError):
        ext.__file__  # introspection must not see a fake dunder


def test_mmseg_imports_in_fresh_process():
    code = ('import mmnoisy, mmseg.models, mmseg.datasets, mmseg.apis, mmseg.utils;'
            'print("ok")')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                         cwd=str(__import__('conftest').REPO))
    assert out.stdout.strip() == 'ok', out.stderr[-2000:]
