"""The segmentor of ADELE: multi-scale consistency and the training-IoU statistics."""
from typing import Dict, List, Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.models.losses import accuracy
from mmseg.models.segmentors import EncoderDecoder
from mmseg.models.utils import resize
from mmseg.utils import SampleList
from torch import Tensor

from mmnoisy.evaluation import TrainIoUAccumulator
from mmnoisy.models.losses import MultiScaleConsistencyLoss
from mmnoisy.models.losses.multiscale_consistency import mixture_weights
from mmnoisy.registry import MODELS
from mmnoisy.utils.constants import IGNORE_INDEX
from .multi_scale_inference import multi_scale_forward


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

    The consistency term is a loss of the decode head, configured like any other:

    .. code-block:: python

        decode_head=dict(loss_decode=[
            dict(type='CrossEntropyLoss', avg_non_ignore=True),
            dict(type='MultiScaleConsistencyLoss', rho=0.8, mode='paper', loss_weight=1.0)])

    When ``loss_decode`` holds a :class:`~mmnoisy.models.losses.MultiScaleConsistencyLoss`,
    training runs one forward per scale of the batch (default 0.7, 1.0, 1.5) and resizes
    each output to the label size. That loss scores the list of maps; every other loss
    scores each scale with the head's pixel sampler weights and ``ignore_index``, averaged
    over scales ('paper' mode) or, in 'reference' mode (the released code), summed over the
    logit maps scaled by learnable mixture weights :attr:`mixture` (then use
    ``CrossEntropyLoss`` with ``avg_non_ignore=False``, the released mean over all pixels).
    Without it the model trains as a plain EncoderDecoder (one forward, ``loss_by_feat``).

    Either way the scale-1.0 training prediction is compared with the original noisy labels
    (``gt_noisy_sem_seg``, else ``gt_sem_seg``) and, when present, the clean labels
    (``gt_clean_sem_seg``), and the counts are accumulated in :attr:`train_iou` for
    :class:`AdaptiveLabelCorrectionHook`, at no extra forward. Inference is EncoderDecoder's.

    Args:
        scales (Sequence[float]): Input scales of the multi-scale forwards; must contain
            1.0. Default: (0.7, 1.0, 1.5).
        **kwargs: Passed to :class:`mmseg.models.EncoderDecoder`.
    """

    def __init__(self, *args, scales: Sequence[float] = (0.7, 1.0, 1.5), **kwargs):
        super().__init__(*args, **kwargs)
        self.scales = tuple(scales)
        consistency = [loss for loss in self._decode_losses()
                       if isinstance(loss, MultiScaleConsistencyLoss)]
        if len({loss.mode for loss in consistency}) > 1:
            raise ValueError('the MultiScaleConsistencyLoss terms of loss_decode must share '
                             'one mode')
        self.consistency_mode = consistency[0].mode if consistency else None
        if consistency and 1.0 not in self.scales:
            raise ValueError(f'consistency scales {self.scales} must contain 1.0')
        if self.consistency_mode == 'reference':
            self.mixture = nn.Parameter(torch.zeros(len(self.scales)))
        self.train_iou = TrainIoUAccumulator(self.num_classes)

    def _decode_losses(self) -> List[nn.Module]:
        losses = self.decode_head.loss_decode
        return list(losses) if isinstance(losses, nn.ModuleList) else [losses]

    def _forward_scales(self, inputs: Tensor, scales: Sequence[float]) -> List[Tensor]:
        """The head's logits of ``inputs`` resized by each scale, back at the input size."""
        return multi_scale_forward(self, inputs, scales)

    def _record(self, logits: Tensor, data_samples: SampleList) -> None:
        size = logits.shape[2:]
        noisy = stack_label(data_samples, 'gt_noisy_sem_seg', size)
        if noisy is None:
            noisy = stack_label(data_samples, 'gt_sem_seg', size)
        clean = stack_label(data_samples, 'gt_clean_sem_seg', size)
        self.train_iou.update(logits.detach().argmax(1), noisy.to(logits.device),
                              None if clean is None else clean.to(logits.device))

    def loss(self, inputs: Tensor, data_samples: SampleList) -> dict:
        if self.consistency_mode is None:
            x = self.extract_feat(inputs)
            logits = self.decode_head.forward(x)
            losses = {f'decode.{k}': v
                      for k, v in self.decode_head.loss_by_feat(logits, data_samples).items()}
            if self.with_auxiliary_head:
                losses.update(self._auxiliary_head_forward_train(x, data_samples))
            self._record(resize(logits, size=inputs.shape[2:], mode='bilinear',
                                align_corners=self.align_corners), data_samples)
            return losses
        logits = self._forward_scales(inputs, self.scales)
        label = stack_label(data_samples, 'gt_sem_seg', inputs.shape[2:]).to(inputs.device)
        base = logits[self.scales.index(1.0)]
        self._record(base, data_samples)
        losses = self._multi_scale_loss(logits, base, label)
        return {f'decode.{k}': v for k, v in losses.items()}

    def _multi_scale_loss(self, logits: List[Tensor], base: Tensor,
                          label: Tensor) -> Dict[str, Tensor]:
        """The head's ``loss_by_feat`` over S scales: the consistency loss scores the S maps,
        the other losses each map (see the class docstring)."""
        head = self.decode_head
        # Pixels are sampled (e.g. OHEM) on the scale-1.0 prediction, as without scales.
        weight = None if head.sampler is None else head.sampler.sample(base, label[:, None])
        kwargs = dict(weight=weight, ignore_index=head.ignore_index)
        mixture = getattr(self, 'mixture', None)
        if self.consistency_mode == 'reference':
            # The released code scores the mixture-weighted maps and sums them over scales.
            scored = [z * w for z, w in zip(logits, mixture_weights(mixture, logits))]
            num_scored = 1
        else:
            scored, num_scored = logits, len(logits)
        losses = {}
        for loss_fn in self._decode_losses():
            if isinstance(loss_fn, MultiScaleConsistencyLoss):
                value = loss_fn(logits, label, mixture=mixture, **kwargs)
            else:
                value = sum(loss_fn(z, label, **kwargs) for z in scored) / num_scored
            name = loss_fn.loss_name
            losses[name] = losses[name] + value if name in losses else value
        losses['acc_seg'] = accuracy(base.detach(), label, ignore_index=head.ignore_index)
        return losses
