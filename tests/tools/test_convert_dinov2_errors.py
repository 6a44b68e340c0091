"""tools/convert_dinov2.py on a checkpoint that is not a DINOv2 state dict: one error line
saying what it holds and how to fix the call, exit 2, nothing written."""
import pytest
import torch

from conftest import run_tool


@pytest.mark.parametrize('state_dict, fragments', [
    ({'conv1.weight': torch.zeros(2, 3, 1, 1), 'fc.bias': torch.zeros(2)},
     ['is not a DINOv2 state dict', 'missing cls_token', 'conv1.weight']),
    # DINOv2 weights under a prefix that was not given: the error suggests it.
    ({'backbone.cls_token': torch.zeros(1, 1, 8), 'backbone.pos_embed': torch.zeros(1, 5, 8)},
     ['is not a DINOv2 state dict', 'pass --prefix backbone.']),
    # mmpretrain-looking keys that the mapping does not know.
    ({'layers.0.foo.weight': torch.zeros(2)},
     ['is not a DINOv2 state dict', 'layers.0.foo.weight']),
], ids=['resnet', 'prefixed', 'unknown_layer_key'])
def test_not_a_dinov2_state_dict(tmp_path, state_dict, fragments):
    src, dst = tmp_path / 'src.pth', tmp_path / 'dst.pth'
    torch.save(state_dict, src)
    proc = run_tool('tools/convert_dinov2.py', str(src), str(dst), '--to', 'mmpretrain',
                    check=False)
    assert proc.returncode == 2 and 'Traceback' not in proc.stderr, proc.stderr[-3000:]
    lines = [line for line in proc.stderr.splitlines() if line.startswith('error:')]
    assert len(lines) == 1, proc.stderr[-3000:]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert not dst.exists()


@pytest.mark.parametrize('kind', ['runner_checkpoint', 'missing', 'empty'])
def test_input_read_through_the_checkpoint_policy(tmp_path, kind):
    """A training run's checkpoint (HistoryBuffer log state) is read without unpickling and
    reported as not DINOv2; a missing or empty file is named: one line each, no traceback."""
    from mmengine.logging import HistoryBuffer
    src, dst = tmp_path / 'src.pth', tmp_path / 'dst.pth'
    if kind == 'runner_checkpoint':
        history = HistoryBuffer()
        history.update(1.0)
        torch.save(dict(state_dict={'conv1.weight': torch.zeros(2)},
                        message_hub=dict(log_scalars={'loss': history})), src)
        expected = 'is not a DINOv2 state dict'
    elif kind == 'empty':
        src.write_bytes(b'')
        expected = 'is empty (0 bytes)'
    else:
        expected = 'does not exist'
    proc = run_tool('tools/convert_dinov2.py', str(src), str(dst), '--to', 'official',
                    check=False)
    lines = [line for line in proc.stderr.splitlines() if line.startswith('error:')]
    assert proc.returncode == 2 and 'Traceback' not in proc.stderr, proc.stderr[-3000:]
    assert len(lines) == 1 and expected in lines[0] and str(src) in lines[0], lines
    assert not dst.exists()
