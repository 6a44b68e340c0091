"""The segmentor of ADELE: multi-scale consistency and the training-IoU statistics."""
from typing import List, Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.models.losses import accuracy
from mmseg.models.segmentors import EncoderDecoder
from mmseg.models.utils import resize
from mmseg.utils import SampleList
from torch import Tensor

from mmnoisy.evaluation import TrainIoUAccumulator
from mmnoisy.models.losses import multiscale_consistency_loss
from mmnoisy.registry import MODELS

IGNORE_INDEX = 255


def stack_label(data_samples: SampleList, field: str, size) -> Optional[Tensor]:
    """(N, H, W) labels of ``field`` padded with 255 to ``size`` (bottom/right, as mmseg's
    ``stack_batch`` pads inputs), or None when the samples do not carry it."""
    if not all(field in ds for ds in data_samples):
        return None
    labels = []
    for ds in data_samples:
        label = ds.get(field).data.squeeze(0)
        pad_h, pad_w = size[0] - label.shape[-2], size[1] - label.shape[-1]
        labels.append(F.pad(label, (0, pad_w, 0, pad_h), value=IGNORE_INDEX))
    return torch.stack(labels).long()


@MODELS.register_module()
class ADELESegmentor(EncoderDecoder):
    """EncoderDecoder with ADELE's multi-scale consistency (paper 000, §2.3).

    Training runs one forward per scale of the batch (default 0.7, 1.0, 1.5), resizes each
    output to the label size and optimises
    ``loss_ce + consistency_weight * loss_consistency``
    (:func:`mmnoisy.models.multiscale_consistency_loss`; the decode head's own
    ``loss_decode`` is not used then). With ``consistency=None`` it trains as a plain
    EncoderDecoder (one forward, the head's loss).

    Either way the scale-1.0 training prediction is compared with the original noisy labels
    (``gt_noisy_sem_seg``, else ``gt_sem_seg``) and, when present, the clean labels
    (``gt_clean_sem_seg``), and the counts are accumulated in :attr:`train_iou` for
    :class:`AdaptiveLabelCorrectionHook`, at no extra forward. Inference is EncoderDecoder's.

    Args:
        consistency (dict, optional): ``scales`` (must contain 1.0; default
            (0.7, 1.0, 1.5)), ``rho`` (0.8), ``loss_weight`` (lambda, 1.0) and ``mode``
            ('paper' or 'reference': the released code, with learnable mixture weights).
            None disables the regulariser. Default: ``dict()`` (all defaults).
        **kwargs: Passed to :class:`mmseg.models.EncoderDecoder`.
    """

    def __init__(self, *args, consistency: Optional[dict] = dict(), **kwargs):
        super().__init__(*args, **kwargs)
        self.consistency = None
        if consistency is not None:
            self.consistency = dict(scales=(0.7, 1.0, 1.5), rho=0.8, loss_weight=1.0,
                                    mode='paper')
            self.consistency.update(consistency)
            scales = tuple(self.consistency['scales'])
            if 1.0 not in scales:
                raise ValueError(f'consistency scales {scales} must contain 1.0')
            if self.consistency['mode'] == 'reference':
                self.mixture = nn.Parameter(torch.zeros(len(scales)))
        self.train_iou = TrainIoUAccumulator(self.num_classes)

    def _forward_scales(self, inputs: Tensor, scales: Sequence[float]) -> List[Tensor]:
        size = inputs.shape[2:]
        logits = []
        for scale in scales:
            x = inputs if scale == 1.0 else resize(
                inputs, scale_factor=scale, mode='bilinear',
                align_corners=self.align_corners)
            z = self.decode_head.forward(self.extract_feat(x))
            logits.append(resize(z, size=size, mode='bilinear',
                                 align_corners=self.align_corners))
        return logits

    def _record(self, logits: Tensor, data_samples: SampleList) -> None:
        size = logits.shape[2:]
        noisy = stack_label(data_samples, 'gt_noisy_sem_seg', size)
        if noisy is None:
            noisy = stack_label(data_samples, 'gt_sem_seg', size)
        clean = stack_label(data_samples, 'gt_clean_sem_seg', size)
        self.train_iou.update(logits.detach().argmax(1), noisy.to(logits.device),
                              None if clean is None else clean.to(logits.device))

    def loss(self, inputs: Tensor, data_samples: SampleList) -> dict:
        if self.consistency is None:
            x = self.extract_feat(inputs)
            logits = self.decode_head.forward(x)
            losses = {f'decode.{k}': v
                      for k, v in self.decode_head.loss_by_feat(logits, data_samples).items()}
            if self.with_auxiliary_head:
                losses.update(self._auxiliary_head_forward_train(x, data_samples))
            self._record(resize(logits, size=inputs.shape[2:], mode='bilinear',
                                align_corners=self.align_corners), data_samples)
            return losses
        cfg = self.consistency
        logits = self._forward_scales(inputs, cfg['scales'])
        label = stack_label(data_samples, 'gt_sem_seg', inputs.shape[2:]).to(inputs.device)
        terms = multiscale_consistency_loss(logits, label, rho=cfg['rho'], mode=cfg['mode'],
                                            mixture=getattr(self, 'mixture', None))
        base = logits[list(cfg['scales']).index(1.0)]
        self._record(base, data_samples)
        return {
            'decode.loss_ce': terms['loss_ce'],
            'decode.loss_consistency': cfg['loss_weight'] * terms['loss_consistency'],
            'decode.acc_seg': accuracy(base.detach(), label, ignore_index=IGNORE_INDEX),
        }
