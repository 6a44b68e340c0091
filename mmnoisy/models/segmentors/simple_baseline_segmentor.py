"""Simple Baseline (`arXiv 2104.07256 <https://arxiv.org/abs/2104.07256>`_), the training
step: labelled images with the weak pipeline and cross entropy, pseudo-labelled images with
the strong pipeline (``StrongAugment``) and the self-correction loss, in one forward of the
mixed batch, each sample normalised by its domain's branch of the DSBN layers.

The rest of the method lives in shared parts: pseudo labels from the teacher (multi-scale +
flip, logits summed, argmax) by :class:`mmnoisy.pseudo.PseudoLabeler`, and the iterations
(the student becomes the next teacher) by :class:`mmnoisy.engine.SelfTrainingLoop`.
"""
from typing import Dict

import torch
from mmseg.utils import ConfigType, SampleList
from torch import Tensor

from mmnoisy.registry import MODELS
from ..layers import convert_dsbn, dsbn_domain
from .semi_segmentor import SemiSupervisedSegmentor


@MODELS.register_module()
class SimpleBaselineSegmentor(SemiSupervisedSegmentor):
    """A :class:`SemiSupervisedSegmentor` that routes strongly augmented samples (metainfo
    ``strong=True``, set by ``StrongAugment``; keep ``'strong'`` in ``PackSegInputs``'s
    ``meta_keys``) through the ``aux`` branch of every :class:`~mmnoisy.models.layers.DSBN`
    layer of the wrapped model. Without DSBN layers it is a plain
    :class:`SemiSupervisedSegmentor`.

    Args:
        segmentor (dict): Config of the wrapped segmentor; DSBN layers come from its
            ``norm_cfg=dict(type='DSBN')`` or from ``dsbn=True``.
        dsbn (bool): Convert every BatchNorm of the wrapped segmentor into DSBN after it is
            built (the switch of the ablation configs). Default: False.
        **kwargs: Arguments of :class:`SemiSupervisedSegmentor` (``sup_loss`` cross
            entropy, ``unsup_loss`` ``SelfCorrectionLoss`` for the method).
    """

    def __init__(self, segmentor: ConfigType, dsbn: bool = False, **kwargs):
        super().__init__(segmentor, **kwargs)
        if dsbn:
            self.segmentor = convert_dsbn(self.segmentor)

    def loss(self, inputs: Tensor, data_samples: SampleList) -> Dict[str, Tensor]:
        strong = torch.tensor([bool(s.metainfo.get('strong', False)) for s in data_samples])
        with dsbn_domain(self.segmentor, strong):
            losses = super().loss(inputs, data_samples)
        losses['strong_ratio'] = strong.float().mean().to(inputs.device)
        return losses
