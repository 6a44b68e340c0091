"""Distribution-specific batch normalisation (DSBN) of `Simple Baseline
<https://arxiv.org/abs/2104.07256>`_: strongly augmented samples are normalised by their own
BN (statistics and affine parameters), weak / labelled ones by the main BN; at test time only
the main BN is used."""
import contextlib
import copy
from typing import Iterator, Optional

import torch
from torch import Tensor, nn
from torch.nn.modules.batchnorm import _BatchNorm

from mmnoisy.registry import MODELS

_BRANCHES = dict(BN=nn.BatchNorm2d, SyncBN=nn.SyncBatchNorm)
_STATE_KEYS = ('weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked')


@MODELS.register_module()
class DSBN(nn.Module):
    """Two batch norms in one layer: ``main`` for weak / labelled samples, ``aux`` for
    strongly augmented ones, with separate affine parameters and running statistics.

    In training, the samples marked by :func:`dsbn_domain` go through ``aux`` and the others
    through ``main``, within the one forward of the whole batch: each branch normalises its
    own subset (a slice when the batch is ordered weak-then-strong, a gather otherwise) and
    the results are put back in the batch's order. Without a mark, or in eval mode, every
    sample goes through ``main``.

    Usable wherever mmcv builds a norm layer: ``norm_cfg=dict(type='DSBN')`` (or
    ``'mmnoisy.DSBN'`` under another default scope); the layer keeps BN's names (``bn1``,
    ...). A plain-BN checkpoint loads into it: each BN key fans out to both branches.
    Runner's ``sync_bn='torch'`` turns both branches into SyncBN, as ``branch='SyncBN'`` does.

    Args:
        num_features (int): Channels.
        branch (str): 'BN' or 'SyncBN' (distributed GPU training). Default: 'BN'.
        **kwargs: Arguments of each branch (eps, momentum, affine, ...).
    """
    _abbr_ = 'bn'

    def __init__(self, num_features: int, branch: str = 'BN', **kwargs):
        super().__init__()
        if branch not in _BRANCHES:
            raise ValueError(f'branch must be one of {list(_BRANCHES)}, got {branch!r}')
        self.num_features = num_features
        self.main = _BRANCHES[branch](num_features, **kwargs)
        self.aux = _BRANCHES[branch](num_features, **kwargs)
        self.routing: Optional[Routing] = None  # set by dsbn_domain

    @classmethod
    def from_bn(cls, bn: _BatchNorm) -> 'DSBN':
        """A DSBN whose two branches are copies of ``bn`` (parameters and statistics)."""
        dsbn = cls(bn.num_features, eps=bn.eps, momentum=bn.momentum, affine=bn.affine,
                   track_running_stats=bn.track_running_stats)
        dsbn.main, dsbn.aux = copy.deepcopy(bn), copy.deepcopy(bn)
        return dsbn.train(bn.training)

    def forward(self, x: Tensor) -> Tensor:
        routing = self.routing
        if not self.training or routing is None:
            return self.main(x)
        if routing.size != x.shape[0]:
            raise ValueError(f'DSBN: the strong mask marks {routing.size} samples but the '
                             f'batch has {x.shape[0]}')
        sync = isinstance(self.main, nn.SyncBatchNorm)
        if not sync and routing.num_weak in (0, routing.size):  # one domain only
            return (self.main if routing.num_weak else self.aux)(x)
        if routing.weak_first and not sync and _fused(x, self.main, self.aux):
            return _WeakFirstBatchNorm.apply(x, routing.num_weak, self.main, self.aux,
                                             *_params(self.main), *_params(self.aux))
        if routing.weak_first:  # views, no gather; split's backward is one cat
            return torch.cat(self._run(*x.split(routing.split_sizes), sync))
        weak_idx, strong_idx = routing.indices(x.device)
        outs = self._run(x[weak_idx], x[strong_idx], sync)
        out = x.new_empty((x.shape[0], ) + outs[0].shape[1:])
        out[weak_idx], out[strong_idx] = outs
        return out

    def _run(self, weak: Tensor, strong: Tensor, sync: bool):
        # SyncBN branches always run (an empty input still joins the collective ops).
        return [bn(part) if (sync or len(part)) else part
                for bn, part in ((self.main, weak), (self.aux, strong))]

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        """Fan a plain BN's keys (``<prefix>weight``, ...) out to both branches."""
        for key in _STATE_KEYS:
            if prefix + key in state_dict:
                value = state_dict.pop(prefix + key)
                for branch in ('main', 'aux'):
                    state_dict.setdefault(f'{prefix}{branch}.{key}', value)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def extra_repr(self) -> str:
        return f'{self.num_features}, branch={type(self.main).__name__}'


def _fused(x: Tensor, *bns: _BatchNorm) -> bool:
    """Whether the fused path applies: training-mode BatchNorm2d branches (not frozen by
    ``norm_eval``) with affine parameters and running statistics."""
    return x.is_contiguous() and all(
        type(bn) is nn.BatchNorm2d and bn.training and bn.affine and bn.track_running_stats
        for bn in bns)


def _params(bn: _BatchNorm) -> tuple:
    return bn.weight, bn.bias


def _momentum(bn: _BatchNorm) -> float:
    """The running-statistics factor of this step, as ``_BatchNorm.forward`` computes it."""
    bn.num_batches_tracked.add_(1)
    return 1.0 / float(bn.num_batches_tracked) if bn.momentum is None else bn.momentum


_batch_norm, _batch_norm_backward = (torch.ops.aten.native_batch_norm.out,
                                     torch.ops.aten.native_batch_norm_backward.out)


class _WeakFirstBatchNorm(torch.autograd.Function):
    """Training-mode batch norm of ``x[:num_weak]`` by ``main`` and of the rest by ``aux``,
    with ATen's kernels writing each half straight into one output (and one input gradient):
    no copy beyond what a single BatchNorm does."""

    @staticmethod
    def forward(ctx, x, num_weak, main, aux, *params):
        out = torch.empty_like(x)
        ctx.halves = (slice(0, num_weak), slice(num_weak, None))
        ctx.eps, saved = [], []
        for part, bn, weight, bias in zip(ctx.halves, (main, aux), params[::2], params[1::2]):
            mean, invstd = x.new_empty(bn.num_features), x.new_empty(bn.num_features)
            _batch_norm(x[part], weight, bias, bn.running_mean, bn.running_var, True,
                        _momentum(bn), bn.eps, out=out[part], save_mean=mean,
                        save_invstd=invstd)
            ctx.eps.append(bn.eps)
            saved += [weight, mean, invstd]
        ctx.save_for_backward(x, *saved)
        return out

    @staticmethod
    def backward(ctx, grad_out):
        x, *saved = ctx.saved_tensors
        grad_out = grad_out.contiguous()
        grad_x = torch.empty_like(x)
        grads = []
        for k, part in enumerate(ctx.halves):
            weight, mean, invstd = saved[3 * k:3 * k + 3]
            grad_w, grad_b = torch.empty_like(weight), torch.empty_like(weight)
            _batch_norm_backward(grad_out[part], x[part], weight, None, None, mean, invstd,
                                 True, ctx.eps[k], [True, True, True], out0=grad_x[part],
                                 out1=grad_w, out2=grad_b)
            grads += [grad_w, grad_b]
        return (grad_x, None, None, None, *grads)


class Routing:
    """Which samples of a batch go through ``aux``: computed once per forward, on the CPU,
    and shared by every DSBN layer."""

    def __init__(self, strong: Tensor):
        strong = torch.as_tensor(strong, dtype=torch.bool).flatten().cpu()
        self.size = len(strong)
        self.num_weak = int((~strong).sum())
        self.weak_first = bool(strong[self.num_weak:].all())
        self.split_sizes = [self.num_weak, self.size - self.num_weak]
        self._indices = ((~strong).nonzero()[:, 0], strong.nonzero()[:, 0])
        self._device_indices = {}

    def indices(self, device) -> tuple:
        if device not in self._device_indices:
            self._device_indices[device] = tuple(i.to(device) for i in self._indices)
        return self._device_indices[device]


def dsbn_layers(model: nn.Module) -> Iterator[DSBN]:
    return (m for m in model.modules() if isinstance(m, DSBN))


@contextlib.contextmanager
def dsbn_domain(model: nn.Module, strong: Optional[Tensor]):
    """Route the samples marked in ``strong`` (bool (N,)) through every DSBN's ``aux``
    branch for the forwards inside the ``with`` block; ``None`` routes all through ``main``.
    A model without DSBN layers is unaffected."""
    layers = list(dsbn_layers(model))
    routing = None if strong is None else Routing(strong)
    previous = [layer.routing for layer in layers]
    for layer in layers:
        layer.routing = routing
    try:
        yield model
    finally:
        for layer, value in zip(layers, previous):
            layer.routing = value


def convert_dsbn(module: nn.Module) -> nn.Module:
    """Replace every BatchNorm (and SyncBatchNorm) in ``module`` by a :class:`DSBN` whose
    two branches are copies of it (parameters and running statistics). Returns the module
    (a new one when ``module`` itself is a BN), like ``nn.SyncBatchNorm.convert_sync_batchnorm``.
    """
    if isinstance(module, _BatchNorm):
        return DSBN.from_bn(module)
    if isinstance(module, DSBN):
        return module
    for name, child in module.named_children():
        new = convert_dsbn(child)
        if new is not child:
            module.add_module(name, new)
    return module
