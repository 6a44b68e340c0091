"""Convert a DINOv2 checkpoint between the official and mmpretrain key layouts.

    python tools/convert_dinov2.py checkpoints/dinov2_vitb14_pretrain.pth \
        checkpoints/dinov2_vitb14_mmpretrain.pth --to mmpretrain
    python tools/convert_dinov2.py mmpretrain_dinov2.pth dinov2_vitb14_pretrain.pth \
        --to official --prefix backbone.

The converted tensors are checked against the DINOv2 architecture (``--arch``, inferred from
the width and depth when omitted): missing and unexpected keys and shape mismatches are
reported, and the tool exits with 1 without writing when there are any. mmnoisy's ``DINOv2``
loads either layout directly; conversion is for use with mmpretrain or the official code.
"""
import argparse
import sys
from typing import Dict, Optional

import torch

from mmnoisy.apis.cli import run_cli
from mmnoisy.engine.checkpoint import read_checkpoint
from mmnoisy.models.backbones.dinov2 import ARCH_SETTINGS, DINOv2
from mmnoisy.models.backbones.dinov2_keys import (is_mmpretrain_layout, official_to_mmpretrain,
                                                  to_official_layout)
from mmnoisy.utils.errors import CheckpointError

# Tensors every DINOv2 state dict has, in the official layout.
REQUIRED_KEYS = ('cls_token', 'pos_embed', 'patch_embed.proj.weight', 'blocks.0.attn.qkv.weight')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='checkpoint to read (raw state dict or with `state_dict`)')
    parser.add_argument('dst', help='where to write the converted state dict')
    parser.add_argument('--to', choices=['official', 'mmpretrain'], required=True,
                        help='target layout')
    parser.add_argument('--arch', choices=sorted(ARCH_SETTINGS),
                        help='architecture to check against (default: inferred)')
    parser.add_argument('--prefix', default='',
                        help="keep only keys under this prefix, stripped (e.g. 'backbone.')")
    parser.add_argument('--add-prefix', default='',
                        help="prefix written before every key (e.g. 'backbone.')")
    return parser.parse_args()


def infer_arch(official: Dict[str, torch.Tensor]) -> str:
    dim = official['cls_token'].shape[-1]
    depth = len({k.split('.')[1] for k in official if k.startswith('blocks.')})
    for name, settings in ARCH_SETTINGS.items():
        if (settings['embed_dim'], settings['depth']) == (dim, depth):
            return name
    raise ValueError(f'no DINOv2 arch has width {dim} and {depth} blocks; pass --arch')


def check_against_arch(official: Dict[str, torch.Tensor], arch: Optional[str]) -> list:
    """Problems (missing/unexpected keys, shape mismatches) against the architecture."""
    arch = arch or infer_arch(official)
    registers = official['register_tokens'].shape[1] if 'register_tokens' in official else 0
    grid = int(round((official['pos_embed'].shape[1] - 1)**0.5))
    with torch.device('meta'):
        model = DINOv2(arch, img_size=grid * 14, num_register_tokens=registers)
    expected = {k: v.shape for k, v in model.state_dict().items()}
    problems = [f'missing: {k}' for k in sorted(set(expected) - set(official))]
    problems += [f'unexpected: {k}' for k in sorted(set(official) - set(expected))]
    problems += [f'shape of {k}: {tuple(v.shape)}, {arch} needs {tuple(expected[k])}'
                 for k, v in sorted(official.items())
                 if k in expected and tuple(v.shape) != tuple(expected[k])]
    print(f'checked {len(official)} tensors against DINOv2 {arch} '
          f'({registers} register tokens, {grid}x{grid} position grid)')
    return problems


def read_official(src: str, ckpt, prefix: str) -> Dict[str, torch.Tensor]:
    """The DINOv2 tensors of ``ckpt`` in the official layout; a checkpoint that holds no
    DINOv2 state dict (under ``prefix``) raises :class:`CheckpointError` saying what it
    holds instead of a ``KeyError`` from the key mapping."""
    keys = list(ckpt.get('state_dict', ckpt)) if isinstance(ckpt, dict) else []
    try:
        official = DINOv2.official_state_dict(ckpt, prefix=prefix) if keys else {}
    except KeyError as error:  # a key the mapping does not know, or a prefix matching none
        official, reason = {}, str(error.args[0])
    else:
        missing = [k for k in REQUIRED_KEYS if k not in official]
        reason = f'missing {", ".join(missing)}' if missing else None
    if keys and reason is None:
        return official
    if not keys:
        reason = 'it holds no state dict'
    prefixes = sorted({k[:-len('cls_token')] for k in keys if k.endswith('.cls_token')})
    hint = (f'the DINOv2 weights seem to be under {prefixes[0]!r}: pass --prefix {prefixes[0]}'
            if prefixes and prefixes[0] != prefix else
            'convert a DINOv2 checkpoint (official or mmpretrain layout), or pass --prefix '
            'if its weights sit under one (e.g. backbone.)')
    shown = ', '.join(keys[:4]) + (f' and {len(keys) - 4} more' if len(keys) > 4 else '')
    raise CheckpointError(f'{src} is not a DINOv2 state dict'
                          + (f' under --prefix {prefix!r}' if prefix else '')
                          + f' ({reason}; its keys: {shown or "none"}); {hint}')


def main():
    args = parse_args()
    # The one checkpoint reader: names a missing, empty or corrupt file in one line, reads
    # runner checkpoints, and never unpickles code.
    ckpt = read_checkpoint(args.src, option='SRC')
    state_dict = read_official(args.src, ckpt, args.prefix)
    source = 'mmpretrain' if is_mmpretrain_layout(
        {k[len(args.prefix):]: v for k, v in ckpt.get('state_dict', ckpt).items()}) \
        else 'official'
    official = to_official_layout(state_dict)
    problems = check_against_arch(official, args.arch)
    if problems:
        print(f'{args.src}: {len(problems)} problem(s), nothing written:', file=sys.stderr)
        for p in problems:
            print(f'  {p}', file=sys.stderr)
        sys.exit(1)
    out = official_to_mmpretrain(official) if args.to == 'mmpretrain' else official
    torch.save({args.add_prefix + k: v for k, v in out.items()}, args.dst)
    print(f'{source} -> {args.to}: wrote {len(out)} tensors to {args.dst}')


if __name__ == '__main__':
    run_cli(main)
