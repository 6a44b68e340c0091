"""Key mapping between the official DINOv2 layout and mmpretrain's ``VisionTransformer``.

mmpretrain's DINOv2 archs (``dinov2-small`` ... ``dinov2-giant``, layer scale, fused SwiGLU FFN
on giant) name the same tensors differently and drop ``mask_token``:

==================================  =====================================
official (facebookresearch/dinov2)  mmpretrain
==================================  =====================================
``patch_embed.proj.*``              ``patch_embed.projection.*``
``blocks.{i}.norm1.*``              ``layers.{i}.ln1.*``
``blocks.{i}.attn.qkv/proj.*``      ``layers.{i}.attn.qkv/proj.*``
``blocks.{i}.ls1.gamma``            ``layers.{i}.attn.gamma1.weight``
``blocks.{i}.norm2.*``              ``layers.{i}.ln2.*``
``blocks.{i}.mlp.fc1.*``            ``layers.{i}.ffn.layers.0.0.*``
``blocks.{i}.mlp.fc2.*``            ``layers.{i}.ffn.layers.1.*``
``blocks.{i}.mlp.w12/w3.*``         ``layers.{i}.ffn.w12/w3.*``
``blocks.{i}.ls2.gamma``            ``layers.{i}.ffn.gamma2.weight``
``norm.*``                          ``ln1.*``
``cls_token``, ``pos_embed``        same
``mask_token``                      (none)
==================================  =====================================
"""
import re
from typing import Dict, List, Tuple

import torch

# (official pattern, mmpretrain pattern) for keys inside ``blocks.{i}.`` / ``layers.{i}.``.
_BLOCK_RULES: List[Tuple[str, str]] = [
    ('norm1.', 'ln1.'),
    ('norm2.', 'ln2.'),
    ('attn.qkv.', 'attn.qkv.'),
    ('attn.proj.', 'attn.proj.'),
    ('ls1.gamma', 'attn.gamma1.weight'),
    ('ls2.gamma', 'ffn.gamma2.weight'),
    ('mlp.fc1.', 'ffn.layers.0.0.'),
    ('mlp.fc2.', 'ffn.layers.1.'),
    ('mlp.w12.', 'ffn.w12.'),
    ('mlp.w3.', 'ffn.w3.'),
]
_TOP_RULES: List[Tuple[str, str]] = [
    ('patch_embed.proj.', 'patch_embed.projection.'),
    ('norm.', 'ln1.'),
    ('cls_token', 'cls_token'),
    ('pos_embed', 'pos_embed'),
    ('register_tokens', 'register_tokens'),
]
_OFFICIAL_ONLY = ('mask_token', )


def _rename(key: str, block_prefix: Tuple[str, str], to_mmpretrain: bool) -> str:
    src_idx = 0 if to_mmpretrain else 1
    match = re.match(rf'{block_prefix[src_idx]}\.(\d+)\.(.*)', key)
    if match:
        index, rest = match.groups()
        for rule in _BLOCK_RULES:
            if rest.startswith(rule[src_idx]):
                new_rest = rule[1 - src_idx] + rest[len(rule[src_idx]):]
                return f'{block_prefix[1 - src_idx]}.{index}.{new_rest}'
        raise KeyError(f'unknown DINOv2 block key {key!r}')
    for rule in _TOP_RULES:
        if key.startswith(rule[src_idx]):
            return rule[1 - src_idx] + key[len(rule[src_idx]):]
    raise KeyError(f'unknown DINOv2 key {key!r}')


def is_mmpretrain_layout(state_dict: Dict[str, torch.Tensor]) -> bool:
    """True if the keys look like mmpretrain's (``layers.0.ln1.weight``)."""
    return any(k.startswith('layers.') for k in state_dict)


def official_to_mmpretrain(state_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """Rename official keys to mmpretrain's; ``mask_token`` is dropped (mmpretrain has none)."""
    return {_rename(k, ('blocks', 'layers'), True): v for k, v in state_dict.items()
            if k not in _OFFICIAL_ONLY}


def mmpretrain_to_official(state_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """Rename mmpretrain keys to the official ones (no ``mask_token`` is added)."""
    return {_rename(k, ('blocks', 'layers'), False): v for k, v in state_dict.items()}


def to_official_layout(state_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """The state dict in the official layout, whichever layout it came in.

    An mmpretrain-layout dict also gets a zero ``mask_token`` (used only by DINOv2's masked
    pretraining) so that the official model loads it strictly.
    """
    if not is_mmpretrain_layout(state_dict):
        return dict(state_dict)
    converted = mmpretrain_to_official(state_dict)
    dim = converted['cls_token'].shape[-1]
    converted.setdefault('mask_token', converted['cls_token'].new_zeros(1, dim))
    return converted
