import importlib.util
import subprocess
import sys

import pytest
import torch

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


def test_runner_checkpoints_load_only_in_trusted_context(tmp_path):
    from mmengine.logging import HistoryBuffer
    from mmengine.runner.checkpoint import _load_checkpoint
    path = str(tmp_path / 'ckpt.pth')
    history = HistoryBuffer()
    history.update(1.0)
    torch.save(dict(message_hub=history, state_dict={}), path)
    with pytest.raises(Exception, match='[Ww]eights only load failed'):
        _load_checkpoint(path)  # the safe default stays for everything else
    with compat.trusted_checkpoint_loading():
        assert isinstance(_load_checkpoint(path)['message_hub'], HistoryBuffer)
    with pytest.raises(Exception, match='[Ww]eights only load failed'):
        _load_checkpoint(path)  # and is restored after the context
