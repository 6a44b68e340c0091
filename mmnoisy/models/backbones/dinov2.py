"""DINOv2 ViT backbone (Oquab et al., 2023) with the official parameter layout.

The modules are named as in facebookresearch/dinov2 (``blocks.0.attn.qkv``, ``blocks.0.ls1.gamma``,
``blocks.0.mlp.fc1`` / ``w12``, ``norm``, ``mask_token``), so an official
``dinov2_vit{s,b,l,g}14_pretrain.pth`` loads strictly without conversion; checkpoints in
mmpretrain's layout are mapped on load (:mod:`.dinov2_keys`).
"""
import math
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn.bricks import DropPath
from mmengine.logging import print_log
from mmengine.model import BaseModule
from mmengine.model.weight_init import trunc_normal_
from mmengine.runner.checkpoint import CheckpointLoader

from mmnoisy.registry import MODELS
from .dinov2_keys import to_official_layout

# embed_dim, depth, num_heads, ffn ('mlp' or 'swiglu'): dinov2/models/vision_transformer.py and
# dinov2/hub/backbones.py (ViT-g uses the fused SwiGLU FFN).
ARCH_SETTINGS = {
    'vit_small': dict(embed_dim=384, depth=12, num_heads=6, ffn='mlp'),
    'vit_base': dict(embed_dim=768, depth=12, num_heads=12, ffn='mlp'),
    'vit_large': dict(embed_dim=1024, depth=24, num_heads=16, ffn='mlp'),
    'vit_giant2': dict(embed_dim=1536, depth=40, num_heads=24, ffn='swiglu'),
}
# The hub models are built for 518 px inputs (37 x 37 position embeddings).
PRETRAIN_IMG_SIZE = 518
LN_EPS = 1e-6


class PatchEmbed(nn.Module):
    """Non-overlapping patches projected by a strided conv: (N, 3, H, W) -> (N, HW/p^2, C)."""

    def __init__(self, patch_size: int, in_channels: int, embed_dim: int):
        super().__init__()
        self.proj = nn.Conv2d(in_channels, embed_dim, patch_size, stride=patch_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x).flatten(2).transpose(1, 2)


class Attention(nn.Module):
    """Multi-head self-attention on ``scaled_dot_product_attention`` (fused kernels)."""

    def __init__(self, dim: int, num_heads: int, qkv_bias: bool = True,
                 proj_bias: bool = True):
        super().__init__()
        self.num_heads = num_heads
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim, bias=proj_bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, length, dim = x.shape
        qkv = self.qkv(x).reshape(n, length, 3, self.num_heads, dim // self.num_heads)
        q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)  # each (N, heads, L, head_dim)
        x = F.scaled_dot_product_attention(q, k, v)
        return self.proj(x.transpose(1, 2).reshape(n, length, dim))


class LayerScale(nn.Module):
    """Per-channel residual-branch scale ``gamma`` (CaiT)."""

    def __init__(self, dim: int, init_value: float):
        super().__init__()
        self.gamma = nn.Parameter(torch.full((dim, ), float(init_value)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.gamma


class Mlp(nn.Module):
    """fc1 -> GELU -> fc2."""

    def __init__(self, dim: int, hidden_dim: int):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden_dim)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden_dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(x)))


class SwiGLUFFN(nn.Module):
    """SwiGLU FFN of ViT-g: ``w3(silu(a) * b)`` with ``a, b = w12(x).chunk(2)``.

    The hidden width is 2/3 of the MLP width rounded up to a multiple of 8, as DINOv2's
    ``SwiGLUFFNFused`` (4096 for ViT-g's 6144).
    """

    def __init__(self, dim: int, hidden_dim: int):
        super().__init__()
        hidden_dim = (int(hidden_dim * 2 / 3) + 7) // 8 * 8
        self.w12 = nn.Linear(dim, 2 * hidden_dim)
        self.w3 = nn.Linear(hidden_dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a, b = self.w12(x).chunk(2, dim=-1)
        return self.w3(F.silu(a) * b)


class Block(nn.Module):
    """Pre-norm transformer block with LayerScale on both residual branches."""

    def __init__(self, dim: int, num_heads: int, mlp_ratio: float, ffn: str,
                 init_values: float, drop_path: float):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=LN_EPS)
        self.attn = Attention(dim, num_heads)
        self.ls1 = LayerScale(dim, init_values)
        self.norm2 = nn.LayerNorm(dim, eps=LN_EPS)
        ffn_cls = {'mlp': Mlp, 'swiglu': SwiGLUFFN}[ffn]
        self.mlp = ffn_cls(dim, int(dim * mlp_ratio))
        self.ls2 = LayerScale(dim, init_values)
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.drop_path(self.ls1(self.attn(self.norm1(x))))
        return x + self.drop_path(self.ls2(self.mlp(self.norm2(x))))


@MODELS.register_module()
class DINOv2(BaseModule):
    """DINOv2 ViT/14 backbone returning normalised patch-token maps of chosen blocks.

    `DINOv2: Learning Robust Visual Features without Supervision
    <https://arxiv.org/abs/2304.07193>`_. Used frozen by SSVT (paper 003): its features are
    kept, only the head learns. Each output is ``get_intermediate_layers(norm=True,
    reshape=True)`` of the official model: the tokens after block ``i``, passed through the
    final LayerNorm, patch tokens reshaped to (N, C, H/14, W/14). Inputs whose size is not a
    multiple of the patch size are zero-padded on the bottom/right. The position embeddings
    (37 x 37 for 518 px) are resized for other inputs exactly as the official
    ``interpolate_pos_encoding`` (bicubic with the +0.1 scale-factor offset; the register
    variants use the exact output size with anti-aliasing).

    Args:
        arch (str | dict): ``'vit_small'``, ``'vit_base'``, ``'vit_large'``, ``'vit_giant2'``
            or a dict with ``embed_dim``, ``depth``, ``num_heads`` and ``ffn``
            (``'mlp'``/``'swiglu'``). Default: ``'vit_base'``.
        patch_size (int): Default: 14.
        img_size (int): Size the position embeddings are stored for. Default: 518.
        in_channels (int): Default: 3.
        mlp_ratio (float): FFN width / embed dim. Default: 4.
        init_values (float): LayerScale initial value (the hub models use 1.0). Default: 1.0.
        num_register_tokens (int): Register tokens (``dinov2_vit*14_reg``: 4). Default: 0.
        interpolate_antialias (bool): Anti-alias the position-embedding resize
            (register variants: True). Default: False.
        interpolate_offset (float): Offset added to the target grid before computing the
            resize scale factor; 0 resizes to the exact size (register variants: 0.0).
            Default: 0.1.
        out_indices (Sequence[int] | int): Blocks whose outputs are returned (negative counts
            from the end). Default: -1 (last block; the ``linear`` probe).
        frozen (bool): No parameter requires grad, the module stays in eval mode and runs
            under ``torch.no_grad()`` (no activation memory). Default: True.
        drop_path_rate (float): Stochastic depth for a trained backbone. Default: 0.
        init_cfg (dict, optional): ``dict(type='Pretrained', checkpoint=...)`` loads an
            official or mmpretrain-layout checkpoint strictly (optional ``prefix`` selects a
            sub-dict, e.g. ``'backbone.'``). Default: None (random init as the official model).
    """

    def __init__(self,
                 arch: Union[str, dict] = 'vit_base',
                 patch_size: int = 14,
                 img_size: int = PRETRAIN_IMG_SIZE,
                 in_channels: int = 3,
                 mlp_ratio: float = 4.0,
                 init_values: float = 1.0,
                 num_register_tokens: int = 0,
                 interpolate_antialias: bool = False,
                 interpolate_offset: float = 0.1,
                 out_indices: Union[Sequence[int], int] = -1,
                 frozen: bool = True,
                 drop_path_rate: float = 0.0,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        settings = self._arch_settings(arch)
        self.embed_dim = dim = settings['embed_dim']
        self.depth = depth = settings['depth']
        self.patch_size = patch_size
        self.num_register_tokens = num_register_tokens
        self.interpolate_antialias = interpolate_antialias
        self.interpolate_offset = interpolate_offset
        self.out_indices = self._check_out_indices(out_indices, depth)
        self.frozen = frozen

        grid = img_size // patch_size
        self.patch_embed = PatchEmbed(patch_size, in_channels, dim)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, grid * grid + 1, dim))
        if num_register_tokens:
            self.register_tokens = nn.Parameter(torch.zeros(1, num_register_tokens, dim))
        else:
            self.register_tokens = None
        drop_rates = [drop_path_rate * i / max(depth - 1, 1) for i in range(depth)]
        self.blocks = nn.ModuleList(
            Block(dim, settings['num_heads'], mlp_ratio, settings['ffn'], init_values, rate)
            for rate in drop_rates)
        self.norm = nn.LayerNorm(dim, eps=LN_EPS)
        # Unused for segmentation; kept so that official checkpoints load strictly.
        self.mask_token = nn.Parameter(torch.zeros(1, dim))
        self._random_init()
        if frozen:
            self.requires_grad_(False)

    @staticmethod
    def _arch_settings(arch: Union[str, dict]) -> dict:
        if isinstance(arch, str):
            if arch not in ARCH_SETTINGS:
                raise KeyError(f'DINOv2 arch {arch!r} is unknown; use one of '
                               f'{sorted(ARCH_SETTINGS)} or a dict with embed_dim, depth, '
                               'num_heads, ffn.')
            return ARCH_SETTINGS[arch]
        missing = {'embed_dim', 'depth', 'num_heads'} - set(arch)
        if missing:
            raise KeyError(f'DINOv2 arch dict {arch} lacks {sorted(missing)}')
        return dict(dict(ffn='mlp'), **arch)

    @staticmethod
    def _check_out_indices(out_indices, depth: int) -> Tuple[int, ...]:
        if isinstance(out_indices, int):
            out_indices = [out_indices]
        resolved = tuple(i + depth if i < 0 else i for i in out_indices)
        if not resolved or any(not 0 <= i < depth for i in resolved):
            raise ValueError(f'out_indices {tuple(out_indices)} must index blocks of a '
                             f'{depth}-block DINOv2 (0..{depth - 1} or negative)')
        return resolved

    def _random_init(self):
        """The official initialisation: truncated-normal linears and position embeddings."""
        trunc_normal_(self.pos_embed, std=0.02)
        nn.init.normal_(self.cls_token, std=1e-6)
        if self.register_tokens is not None:
            nn.init.normal_(self.register_tokens, std=1e-6)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def init_weights(self):
        """Load ``init_cfg``'s checkpoint (official or mmpretrain layout), strictly."""
        cfg = self.init_cfg
        if not (isinstance(cfg, dict) and cfg.get('type') == 'Pretrained'):
            return  # random init already done in __init__
        ckpt = CheckpointLoader.load_checkpoint(cfg['checkpoint'], map_location='cpu')
        state_dict = self.official_state_dict(ckpt, prefix=cfg.get('prefix', ''))
        self.load_state_dict(state_dict, strict=True)
        print_log(f'DINOv2: loaded {len(state_dict)} tensors from {cfg["checkpoint"]}',
                  logger='current')
        self._is_init = True

    @staticmethod
    def official_state_dict(ckpt: Dict, prefix: str = '') -> Dict[str, torch.Tensor]:
        """The backbone tensors of a checkpoint in the official layout.

        Accepts a raw state dict or a runner checkpoint (``state_dict`` key), keeps the keys
        under ``prefix`` (stripped), and maps mmpretrain's layout (``layers.0.ln1``) to the
        official one; ``mask_token``, absent from mmpretrain checkpoints, is zero-filled.
        """
        state_dict = ckpt.get('state_dict', ckpt)
        if prefix:
            state_dict = {k[len(prefix):]: v for k, v in state_dict.items()
                          if k.startswith(prefix)}
            if not state_dict:
                raise KeyError(f'no checkpoint key starts with prefix {prefix!r}')
        return to_official_layout(state_dict)

    def train(self, mode: bool = True):
        """A frozen backbone stays in eval mode (no dropout/drop-path noise)."""
        super().train(mode and not self.frozen)
        return self

    def interpolate_pos_encoding(self, num_patches: int, height: int,
                                 width: int) -> torch.Tensor:
        """Position embeddings (1, 1 + h*w, C) for an input of ``height`` x ``width`` px.

        Follows the official method: unchanged for the stored grid on a square input;
        otherwise a bicubic resize in float32 whose scale factor is ``(grid + offset) / M``
        (``offset`` = 0.1 on the pretrain models, a historical guard against rounding down),
        or the exact output size when the offset is 0.
        """
        pos_embed = self.pos_embed
        stored = pos_embed.shape[1] - 1
        if num_patches == stored and height == width:
            return pos_embed
        side = int(math.sqrt(stored))
        grid_h, grid_w = height // self.patch_size, width // self.patch_size
        patch_pos = pos_embed[:, 1:].float().reshape(1, side, side, -1).permute(0, 3, 1, 2)
        if self.interpolate_offset:
            scale = ((grid_h + self.interpolate_offset) / side,
                     (grid_w + self.interpolate_offset) / side)
            size_kwargs = dict(scale_factor=scale)
        else:
            size_kwargs = dict(size=(grid_h, grid_w))
        patch_pos = F.interpolate(patch_pos, mode='bicubic',
                                  antialias=self.interpolate_antialias, **size_kwargs)
        if patch_pos.shape[-2:] != (grid_h, grid_w):
            raise RuntimeError(f'position embeddings resized to {tuple(patch_pos.shape[-2:])}, '
                               f'expected {(grid_h, grid_w)}')
        patch_pos = patch_pos.permute(0, 2, 3, 1).reshape(1, grid_h * grid_w, -1)
        return torch.cat([pos_embed[:, :1].float(), patch_pos], dim=1).to(pos_embed.dtype)

    def _pad(self, x: torch.Tensor) -> torch.Tensor:
        pad_h = -x.shape[-2] % self.patch_size
        pad_w = -x.shape[-1] % self.patch_size
        return F.pad(x, (0, pad_w, 0, pad_h)) if pad_h or pad_w else x

    def prepare_tokens(self, x: torch.Tensor) -> torch.Tensor:
        """[cls, registers..., patches] with position embeddings (registers have none)."""
        height, width = x.shape[-2:]
        tokens = self.patch_embed(x)
        tokens = torch.cat([self.cls_token.expand(len(tokens), -1, -1), tokens], dim=1)
        tokens = tokens + self.interpolate_pos_encoding(tokens.shape[1] - 1, height, width)
        if self.register_tokens is not None:
            registers = self.register_tokens.expand(len(tokens), -1, -1)
            tokens = torch.cat([tokens[:, :1], registers, tokens[:, 1:]], dim=1)
        return tokens

    def forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        with torch.set_grad_enabled(torch.is_grad_enabled() and not self.frozen):
            return self._forward(x)

    def _forward(self, x: torch.Tensor) -> List[torch.Tensor]:
        x = self._pad(x)
        grid_h, grid_w = x.shape[-2] // self.patch_size, x.shape[-1] // self.patch_size
        tokens = self.prepare_tokens(x)
        taken = {}
        for i, block in enumerate(self.blocks[:max(self.out_indices) + 1]):
            tokens = block(tokens)
            if i in self.out_indices:
                taken[i] = tokens
        first_patch = 1 + self.num_register_tokens
        outs = []
        for i in self.out_indices:
            patches = self.norm(taken[i])[:, first_patch:]
            outs.append(patches.reshape(len(patches), grid_h, grid_w, -1)
                        .permute(0, 3, 1, 2).contiguous())
        return outs
