"""tools/synth_sparse_labels.py and tools/convert_dinov2.py.

One run goes through a subprocess (the command line as users type it); the others run the
script in this process, which saves the ~5 s import of a fresh interpreter each.
"""
import json

import numpy as np
import torch
from PIL import Image

from conftest import run_tool, run_tool_main
from mmnoisy.models import DINOv2


def test_synth_sparse_labels_tool(tmp_path, shapes_root, capsys, monkeypatch):
    ids = tmp_path / 'ids.txt'
    names = open(f'{shapes_root}/ImageSets/Segmentation/train.txt').read().split()[:4]
    ids.write_text('\n'.join(names))
    outs = []
    args = ('--mode', 'scribble', '--seed', '3', '--ann-file', ids, '--num-classes', '9')
    proc = run_tool('tools/synth_sparse_labels.py', f'{shapes_root}/SegmentationClass',
                    str(tmp_path / 'a'), *map(str, args))
    assert 'of the labelled pixels kept' in proc.stdout
    code, out, _ = run_tool_main('tools/synth_sparse_labels.py', f'{shapes_root}/SegmentationClass',
                                 tmp_path / 'b', *args, capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0 and 'of the labelled pixels kept' in out
    outs = [tmp_path / 'a', tmp_path / 'b']
    report = json.load(open(outs[0] / 'coverage.json'))
    assert report['images'] == 4 and 0 < report['labelled_fraction'] < 0.3
    for name in names:
        dense = np.asarray(Image.open(f'{shapes_root}/SegmentationClass/{name}.png'))
        a = Image.open(outs[0] / f'{name}.png')
        assert a.mode == 'P'
        a = np.asarray(a)
        assert np.array_equal(a, np.asarray(Image.open(outs[1] / f'{name}.png')))
        kept = a != 255
        assert kept.any() and np.array_equal(a[kept], dense[kept])


def test_convert_dinov2_round_trip(tmp_path, capsys, monkeypatch):
    model = DINOv2(dict(embed_dim=384, depth=12, num_heads=6), img_size=56,
                   num_register_tokens=4)
    src = tmp_path / 'dinov2_vits14_reg4_pretrain.pth'
    torch.save(model.state_dict(), src)
    mmpre, back = tmp_path / 'mmpre.pth', tmp_path / 'back.pth'
    code, out, _ = run_tool_main('tools/convert_dinov2.py', src, mmpre, '--to', 'mmpretrain',
                                 '--add-prefix', 'backbone.', capsys=capsys,
                                 monkeypatch=monkeypatch)
    assert code == 0 and 'vit_small' in out and 'official -> mmpretrain' in out
    converted = torch.load(mmpre, weights_only=True)
    assert 'backbone.layers.0.ln1.weight' in converted
    code, _, _ = run_tool_main('tools/convert_dinov2.py', mmpre, back, '--to', 'official',
                               '--prefix', 'backbone.', capsys=capsys, monkeypatch=monkeypatch)
    assert code == 0
    original, restored = model.state_dict(), torch.load(back, weights_only=True)
    assert set(restored) == set(original)
    for k, v in original.items():
        if k != 'mask_token':  # mmpretrain has none; it comes back as zeros
            assert torch.equal(restored[k], v), k


def test_convert_dinov2_reports_shape_mismatch(tmp_path, capsys, monkeypatch):
    state = DINOv2(dict(embed_dim=384, depth=12, num_heads=6), img_size=56).state_dict()
    state['blocks.0.mlp.fc1.weight'] = state['blocks.0.mlp.fc1.weight'][:100]
    del state['norm.bias']
    src = tmp_path / 'bad.pth'
    torch.save(state, src)
    code, _, err = run_tool_main('tools/convert_dinov2.py', src, tmp_path / 'out.pth', '--to',
                                 'mmpretrain', capsys=capsys, monkeypatch=monkeypatch)
    assert code == 1
    assert 'missing: norm.bias' in err and 'shape of blocks.0.mlp.fc1.weight' in err
    assert not (tmp_path / 'out.pth').exists()
