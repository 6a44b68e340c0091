"""DINOv2 backbone: parity with the official model's semantics, checkpoint layouts, freezing.

``_OfficialViT`` below is a compact reference written from facebookresearch/dinov2
(``models/vision_transformer.py``, ``layers/{patch_embed,attention,block,layer_scale,mlp}.py``)
line by line, independent of mmnoisy's implementation: explicit softmax attention,
``prepare_tokens_with_masks`` with ``interpolate_pos_encoding`` (``w, h`` named as there),
``get_intermediate_layers(n, reshape=True, norm=True)``.
"""
import math

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from mmnoisy.models import DINOv2
from mmnoisy.models.backbones.dinov2_keys import (mmpretrain_to_official,
                                                  official_to_mmpretrain)


class _Attn(nn.Module):

    def __init__(self, dim, num_heads):
        super().__init__()
        self.num_heads = num_heads
        self.scale = (dim // num_heads)**-0.5
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, C // self.num_heads)
        qkv = qkv.permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0] * self.scale, qkv[1], qkv[2]
        attn = (q @ k.transpose(-2, -1)).softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(B, N, C)
        return self.proj(x)


class _LS(nn.Module):

    def __init__(self, dim):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * self.gamma


class _Mlp(nn.Module):

    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1, self.act, self.fc2 = nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class _SwiGLU(nn.Module):

    def __init__(self, dim, hidden):
        super().__init__()
        hidden = (int(hidden * 2 / 3) + 7) // 8 * 8
        self.w12, self.w3 = nn.Linear(dim, 2 * hidden), nn.Linear(hidden, dim)

    def forward(self, x):
        x1, x2 = self.w12(x).chunk(2, dim=-1)
        return self.w3(F.silu(x1) * x2)


class _Block(nn.Module):

    def __init__(self, dim, num_heads, ffn):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = _Attn(dim, num_heads)
        self.ls1 = _LS(dim)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = ffn(dim, 4 * dim)
        self.ls2 = _LS(dim)

    def forward(self, x):
        x = x + self.ls1(self.attn(self.norm1(x)))
        return x + self.ls2(self.mlp(self.norm2(x)))


class _PatchEmbed(nn.Module):

    def __init__(self, dim):
        super().__init__()
        self.proj = nn.Conv2d(3, dim, kernel_size=14, stride=14)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class _OfficialViT(nn.Module):

    def __init__(self, dim, depth, num_heads, ffn=_Mlp, img_size=518, registers=0,
                 antialias=False, offset=0.1):
        super().__init__()
        self.patch_size = 14
        self.num_register_tokens = registers
        self.interpolate_antialias, self.interpolate_offset = antialias, offset
        self.patch_embed = _PatchEmbed(dim)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, (img_size // 14)**2 + 1, dim))
        self.register_tokens = nn.Parameter(torch.zeros(1, registers, dim)) if registers \
            else None
        self.blocks = nn.ModuleList(_Block(dim, num_heads, ffn) for _ in range(depth))
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.mask_token = nn.Parameter(torch.zeros(1, dim))

    def interpolate_pos_encoding(self, x, w, h):
        previous_dtype = x.dtype
        npatch = x.shape[1] - 1
        N = self.pos_embed.shape[1] - 1
        if npatch == N and w == h:
            return self.pos_embed
        pos_embed = self.pos_embed.float()
        class_pos_embed = pos_embed[:, 0]
        patch_pos_embed = pos_embed[:, 1:]
        dim = x.shape[-1]
        w0 = w // self.patch_size
        h0 = h // self.patch_size
        M = int(math.sqrt(N))
        kwargs = {}
        if self.interpolate_offset:
            sx = float(w0 + self.interpolate_offset) / M
            sy = float(h0 + self.interpolate_offset) / M
            kwargs['scale_factor'] = (sx, sy)
        else:
            kwargs['size'] = (w0, h0)
        patch_pos_embed = F.interpolate(
            patch_pos_embed.reshape(1, M, M, dim).permute(0, 3, 1, 2), mode='bicubic',
            antialias=self.interpolate_antialias, **kwargs)
        assert (w0, h0) == patch_pos_embed.shape[-2:]
        patch_pos_embed = patch_pos_embed.permute(0, 2, 3, 1).view(1, -1, dim)
        return torch.cat((class_pos_embed.unsqueeze(0), patch_pos_embed),
                         dim=1).to(previous_dtype)

    def prepare_tokens_with_masks(self, x):
        B, nc, w, h = x.shape
        x = self.patch_embed(x)
        x = torch.cat((self.cls_token.expand(x.shape[0], -1, -1), x), dim=1)
        x = x + self.interpolate_pos_encoding(x, w, h)
        if self.register_tokens is not None:
            x = torch.cat((x[:, :1], self.register_tokens.expand(x.shape[0], -1, -1), x[:, 1:]),
                          dim=1)
        return x

    def get_intermediate_layers(self, x, n=1):
        tokens = self.prepare_tokens_with_masks(x)
        blocks_to_take = range(len(self.blocks) - n, len(self.blocks)) if isinstance(n, int) \
            else n
        outputs = []
        for i, blk in enumerate(self.blocks):
            tokens = blk(tokens)
            if i in blocks_to_take:
                outputs.append(tokens)
        outputs = [self.norm(out) for out in outputs]
        outputs = [out[:, 1 + self.num_register_tokens:] for out in outputs]
        B, _, w, h = x.shape
        return tuple(
            out.reshape(B, w // self.patch_size, h // self.patch_size, -1).permute(0, 3, 1,
                                                                                2).contiguous()
            for out in outputs)


def _randomise(module, seed=0):
    """Random values everywhere (LayerScale and LayerNorm too), so no term is a no-op."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            scale = 0.5 if ('gamma' in name or 'norm' in name) else 0.05
            p.copy_(torch.randn(p.shape, generator=gen) * scale + (1.0 if 'norm' in name
                                                                  and 'weight' in name else 0))
    return module


def _pair(depth=3, out_indices=(0, 1, 2), registers=0, offset=0.1, antialias=False):
    ref = _randomise(_OfficialViT(384, depth, 6, registers=registers, offset=offset,
                                  antialias=antialias)).eval()
    ours = DINOv2(dict(embed_dim=384, depth=depth, num_heads=6), out_indices=out_indices,
                  num_register_tokens=registers, interpolate_offset=offset,
                  interpolate_antialias=antialias)
    ours.load_state_dict(ref.state_dict(), strict=True)
    return ref, ours


@pytest.mark.parametrize('size', [(518, 518), (224, 308)])
def test_parity_with_official_semantics(size):
    torch.manual_seed(0)
    ref, ours = _pair()
    x = torch.randn(1, 3, *size)
    with torch.no_grad():
        expected = ref.get_intermediate_layers(x, n=3)
    outs = ours(x)
    assert len(outs) == 3
    for e, o in zip(expected, outs):
        assert o.shape == (1, 384, size[0] // 14, size[1] // 14)
        torch.testing.assert_close(o, e, rtol=1e-4, atol=1e-4)


def test_parity_registers_exact_size_antialias():
    torch.manual_seed(1)
    ref, ours = _pair(depth=2, out_indices=(1, ), registers=4, offset=0.0, antialias=True)
    x = torch.randn(1, 3, 196, 252)
    torch.testing.assert_close(ours(x)[0], ref.get_intermediate_layers(x, n=1)[0].detach(),
                               rtol=1e-4, atol=1e-4)


def test_pads_to_patch_multiple():
    model = DINOv2(dict(embed_dim=32, depth=1, num_heads=2))
    x = torch.randn(2, 3, 100, 130)
    out = model(x)[0]
    assert out.shape == (2, 32, 8, 10)
    padded = F.pad(x, (0, 10, 0, 12))
    torch.testing.assert_close(out, model(padded)[0])


def test_official_keys_and_giant_swiglu():
    keys = set(DINOv2('vit_small').state_dict())
    for key in ('cls_token', 'pos_embed', 'mask_token', 'patch_embed.proj.weight',
                'blocks.0.norm1.weight', 'blocks.0.attn.qkv.weight', 'blocks.0.attn.proj.bias',
                'blocks.0.ls1.gamma', 'blocks.0.mlp.fc1.weight', 'blocks.11.ls2.gamma',
                'norm.weight'):
        assert key in keys
    ref = _OfficialViT(64, 2, 4, ffn=_SwiGLU)
    giant_like = DINOv2(dict(embed_dim=64, depth=2, num_heads=4, ffn='swiglu'))
    giant_like.load_state_dict(ref.state_dict(), strict=True)
    assert 'blocks.0.mlp.w12.weight' in giant_like.state_dict()
    x = torch.randn(1, 3, 70, 84)
    torch.testing.assert_close(giant_like(x)[0], ref.get_intermediate_layers(x)[0].detach(),
                               rtol=1e-4, atol=1e-4)


def test_vit_giant2_shapes_match_official():
    # w12: 2 x 4096 hidden units (6144 * 2/3, rounded to 8), as dinov2_vitg14_pretrain.pth.
    with torch.device('meta'):
        model = DINOv2('vit_giant2')
    assert model.blocks[0].mlp.w12.weight.shape == (8192, 1536)
    assert model.blocks[0].mlp.w3.weight.shape == (1536, 4096)
    assert model.pos_embed.shape == (1, 1370, 1536) and len(model.blocks) == 40


def test_official_checkpoint_loads_strict(tmp_path):
    ref, _ = _pair(depth=2, out_indices=(1, ))
    path = tmp_path / 'dinov2_vits14_pretrain.pth'
    torch.save(ref.state_dict(), path)
    model = DINOv2(dict(embed_dim=384, depth=2, num_heads=6),
                   init_cfg=dict(type='Pretrained', checkpoint=str(path)))
    model.init_weights()
    for k, v in ref.state_dict().items():
        assert torch.equal(model.state_dict()[k], v), k
    assert not any(p.requires_grad for p in model.parameters())


def test_mmpretrain_layout_round_trip_and_load(tmp_path):
    ref = _randomise(_OfficialViT(64, 2, 4, ffn=_SwiGLU))
    official = ref.state_dict()
    mmpre = official_to_mmpretrain(official)
    assert 'layers.0.ffn.w12.weight' in mmpre and 'ln1.weight' in mmpre
    assert 'layers.1.attn.gamma1.weight' in mmpre and 'mask_token' not in mmpre
    back = mmpretrain_to_official(mmpre)
    assert set(back) == set(official) - {'mask_token'}
    assert all(torch.equal(back[k], official[k]) for k in back)
    # An mmpretrain classifier checkpoint (backbone. prefix) loads into the official layout.
    path = tmp_path / 'mmpretrain.pth'
    torch.save({'state_dict': {f'backbone.{k}': v for k, v in mmpre.items()}}, path)
    model = DINOv2(dict(embed_dim=64, depth=2, num_heads=4, ffn='swiglu'),
                   init_cfg=dict(type='Pretrained', checkpoint=str(path), prefix='backbone.'))
    model.init_weights()
    x = torch.randn(1, 3, 56, 56)
    torch.testing.assert_close(model(x)[0], ref.get_intermediate_layers(x)[0].detach())


def test_frozen_backbone():
    model = DINOv2(dict(embed_dim=32, depth=2, num_heads=2), out_indices=(0, 1))
    model.train()
    assert not model.training and not any(m.training for m in model.modules())
    assert not any(p.requires_grad for p in model.parameters())
    outs = model(torch.randn(1, 3, 28, 28))
    assert all(o.grad_fn is None for o in outs)  # ran under no_grad: no activations kept
    tuned = DINOv2(dict(embed_dim=32, depth=2, num_heads=2), frozen=False).train()
    assert tuned.training and tuned(torch.randn(1, 3, 28, 28))[0].requires_grad


def test_bad_arguments():
    with pytest.raises(KeyError, match='vit_small'):
        DINOv2('vit_tiny')
    with pytest.raises(ValueError, match='out_indices'):
        DINOv2(dict(embed_dim=32, depth=2, num_heads=2), out_indices=(2, ))
