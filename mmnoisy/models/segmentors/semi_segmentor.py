from typing import Dict, List, Optional, Sequence

import torch
from mmseg.models.segmentors.base import BaseSegmentor
from mmseg.models.utils import resize
from mmseg.utils import ConfigType, OptConfigType, SampleList
from torch import Tensor

from mmnoisy.registry import MODELS

_SUB_MODULES = ('backbone', 'neck', 'decode_head', 'auxiliary_head')


@MODELS.register_module()
class SemiSupervisedSegmentor(BaseSegmentor):
    """Wraps any mmseg segmentor to train on batches that mix labelled and pseudo-labelled
    images.

    The whole batch goes through the wrapped model in one forward. The batch is then split by
    each sample's ``source`` (``'labeled'`` when untagged): the supervised loss scores the
    samples whose source is in ``sup_sources``, and the unsupervised loss scores those in
    ``unsup_sources``. They are logged as ``sup_<name>`` / ``unsup_<name>`` and weighted by
    ``sup_weight`` / ``unsup_weight``. Prediction is the wrapped model's. A checkpoint of the
    plain model (``backbone.*``, ``decode_head.*``) loads directly.

    Args:
        segmentor (dict): Config of the wrapped segmentor (e.g. an ``EncoderDecoder``). Its
            ``data_preprocessor`` serves this model when ``data_preprocessor`` is None.
        sup_loss (dict): Loss of labelled samples, called as mmseg's decode heads call
            theirs, ``loss(logits, label, ignore_index=...)``, on logits resized to the label. Default: cross entropy averaged over non-ignored pixels.
        unsup_loss (dict): Loss of pseudo-labelled samples. Default: as ``sup_loss``.
        sup_weight (float): Weight of the supervised loss. Default: 1.0.
        unsup_weight (float): Weight of the unsupervised loss. Default: 1.0.
        normalization (str): ``'per_source'``: each loss is the mean of its own samples.
            ``'whole_batch'``: each mean is rescaled by its share of the batch's valid
            pixels, so their sum is the total over the batch divided by all its valid
            pixels (DST-CBC's denominator). Default: 'per_source'.
        sup_sources (Sequence[str]): Sources scored by ``sup_loss``.
        unsup_sources (Sequence[str]): Sources scored by ``unsup_loss``.
        ignore_index (int): Ignored label. Default: 255.

    A pixel sampler of the wrapped decode head (e.g. mmseg's ``OHEMPixelSampler``, for OHEM
    cross entropy) weights the pixels of each loss, as the decode head itself would; it
    picks the hard pixels of each source separately.
    """

    def __init__(self,
                 segmentor: ConfigType,
                 sup_loss: ConfigType = dict(type='CrossEntropyLoss', avg_non_ignore=True),
                 unsup_loss: OptConfigType = None,
                 sup_weight: float = 1.0,
                 unsup_weight: float = 1.0,
                 normalization: str = 'per_source',
                 sup_sources: Sequence[str] = ('labeled', ),
                 unsup_sources: Sequence[str] = ('pseudo', ),
                 ignore_index: int = 255,
                 data_preprocessor: OptConfigType = None,
                 init_cfg=None):
        segmentor = dict(segmentor)
        wrapped_preprocessor = segmentor.pop('data_preprocessor', None)
        super().__init__(data_preprocessor=data_preprocessor or wrapped_preprocessor,
                         init_cfg=init_cfg)
        if normalization not in ('per_source', 'whole_batch'):
            raise ValueError(f"normalization must be 'per_source' or 'whole_batch', got "
                             f'{normalization!r}')
        if set(sup_sources) & set(unsup_sources):
            raise ValueError('a source cannot be both supervised and unsupervised')
        self.segmentor = MODELS.build(segmentor)
        self.sup_loss = MODELS.build(sup_loss)
        self.unsup_loss = MODELS.build(unsup_loss or sup_loss)
        self.sup_weight = sup_weight
        self.unsup_weight = unsup_weight
        self.normalization = normalization
        self.sup_sources = tuple(sup_sources)
        self.unsup_sources = tuple(unsup_sources)
        self.ignore_index = ignore_index
        self._register_load_state_dict_pre_hook(self._wrap_plain_checkpoint_keys)

    # ------------------------------------------------------------------- training
    def loss(self, inputs: Tensor, data_samples: SampleList) -> Dict[str, Tensor]:
        feats = self.segmentor.extract_feat(inputs)
        logits = self.segmentor.decode_head.forward(feats)
        labels = torch.stack([s.gt_sem_seg.data.squeeze(0) for s in data_samples])
        logits = resize(logits, size=labels.shape[-2:], mode='bilinear',
                        align_corners=self.segmentor.align_corners)
        sources = [s.metainfo.get('source') or 'labeled' for s in data_samples]
        groups = dict(
            sup=(self._select(sources, self.sup_sources), self.sup_loss, self.sup_weight),
            unsup=(self._select(sources, self.unsup_sources), self.unsup_loss,
                   self.unsup_weight))
        valid = labels != self.ignore_index
        total_valid = valid.sum().clamp(min=1)
        losses = {}
        for prefix, (index, loss_fn, weight) in groups.items():
            if index.numel() == 0:
                continue
            loss = loss_fn(logits[index], labels[index], ignore_index=self.ignore_index,
                           **self._pixel_weight(logits[index], labels[index]))
            if self.normalization == 'whole_batch':
                loss = loss * valid[index].sum() / total_valid
            losses[f'{prefix}_{loss_fn.loss_name}'] = weight * loss
            losses[f'{prefix}_valid_ratio'] = valid[index].float().mean()
            losses[f'{prefix}_acc_seg'] = self._accuracy(logits[index], labels[index])
        if self.segmentor.with_auxiliary_head:
            losses.update(self.segmentor._auxiliary_head_forward_train(feats, data_samples))
        return losses

    def _pixel_weight(self, logits: Tensor, labels: Tensor) -> dict:
        """``weight=`` from the decode head's pixel sampler, if it has one."""
        sampler = getattr(self.segmentor.decode_head, 'sampler', None)
        if sampler is None:
            return {}
        return dict(weight=sampler.sample(logits, labels.unsqueeze(1)))

    @staticmethod
    def _select(sources: List[str], wanted: Sequence[str]) -> Tensor:
        return torch.tensor([i for i, s in enumerate(sources) if s in wanted], dtype=torch.long)

    @torch.no_grad()
    def _accuracy(self, logits: Tensor, labels: Tensor) -> Tensor:
        valid = labels != self.ignore_index
        correct = (logits.argmax(1) == labels) & valid
        return 100.0 * correct.sum() / valid.sum().clamp(min=1)

    # ------------------------------------------------------- inference: the wrapped model
    def extract_feat(self, inputs: Tensor) -> List[Tensor]:
        return self.segmentor.extract_feat(inputs)

    def encode_decode(self, inputs: Tensor, batch_img_metas: List[dict]) -> Tensor:
        return self.segmentor.encode_decode(inputs, batch_img_metas)

    def predict(self, inputs: Tensor, data_samples: Optional[SampleList] = None) -> SampleList:
        return self.segmentor.predict(inputs, data_samples)

    def _forward(self, inputs: Tensor, data_samples: Optional[SampleList] = None) -> Tensor:
        return self.segmentor._forward(inputs, data_samples)

    # ------------------------------------------------------------------ checkpoints
    @staticmethod
    def _wrap_plain_checkpoint_keys(state_dict, prefix, *args, **kwargs):
        """Let a plain segmentor's checkpoint (``backbone.*``, ...) load into the wrapper."""
        for key in list(state_dict):
            if not key.startswith(prefix):
                continue
            head = key[len(prefix):].split('.', 1)[0]
            if head in _SUB_MODULES:
                state_dict[f'{prefix}segmentor.{key[len(prefix):]}'] = state_dict.pop(key)
