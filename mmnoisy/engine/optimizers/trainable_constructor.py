from typing import List

import torch.nn as nn
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapper

from mmnoisy.registry import OPTIM_WRAPPER_CONSTRUCTORS


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class TrainableOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """mmengine's default constructor, keeping only parameters that require grad.

    The default constructor hands every parameter to the optimizer, frozen ones included
    (they get no update, but the optimizer still lists them, and momentum or Adam state could
    be created for them if something gave them a gradient). With a frozen backbone (SSVT) the
    optimizer then holds exactly the head. ``paramwise_cfg`` works as usual.
    """

    def __call__(self, model: nn.Module) -> OptimWrapper:
        optim_wrapper = super().__call__(model)
        optimizer = optim_wrapper.optimizer
        groups: List[dict] = []
        for group in optimizer.param_groups:
            params = [p for p in group['params'] if p.requires_grad]
            if params:
                groups.append(dict(group, params=params))
        if not groups:
            raise ValueError(f'{type(model).__name__} has no parameter that requires grad; '
                             'nothing to optimise (is every module frozen?)')
        optimizer.param_groups[:] = groups
        return optim_wrapper
