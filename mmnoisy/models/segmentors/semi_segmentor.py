from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn as nn
from mmseg.models.losses import accuracy
from mmseg.models.segmentors.base import BaseSegmentor
from mmseg.models.utils import resize
from mmseg.utils import ConfigType, OptConfigType, SampleList
from torch import Tensor

from mmnoisy.registry import MODELS

_SUB_MODULES = ('backbone', 'neck', 'decode_head', 'auxiliary_head')
LossConfig = Union[ConfigType, Sequence[ConfigType]]


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

    Each source's losses follow the wrapped decode head's ``loss_by_feat``: logits resized
    to the labels with the head's ``align_corners``, the head's pixel sampler (e.g. mmseg's
    ``OHEMPixelSampler``, for OHEM cross entropy) giving ``weight=`` to every loss (it picks
    the hard pixels of each source separately), the head's ``ignore_index``, losses of the
    same name summed, and mmseg's ``accuracy`` logged as ``<prefix>_acc_seg``. Only the
    losses differ: ``sup_loss`` / ``unsup_loss`` instead of the head's ``loss_decode``.

    Args:
        segmentor (dict): Config of the wrapped segmentor (e.g. an ``EncoderDecoder``). Its
            ``data_preprocessor`` serves this model when ``data_preprocessor`` is None.
        sup_loss (dict | list[dict]): Loss(es) of labelled samples, called as mmseg's decode
            heads call theirs, ``loss(logits, label, weight=..., ignore_index=...)``, on
            logits resized to the label. Default: cross entropy averaged over non-ignored
            pixels.
        unsup_loss (dict | list[dict], optional): Loss(es) of pseudo-labelled samples.
            Default: as ``sup_loss``.
        sup_weight (float): Weight of the supervised loss. Default: 1.0.
        unsup_weight (float): Weight of the unsupervised loss. Default: 1.0.
        normalization (str): ``'per_source'``: each loss reduces over its own samples.
            ``'whole_batch'``: every loss also gets ``avg_factor=`` the number of valid
            pixels of the whole batch, so that the sum of the means is the total over the
            batch divided by all its valid pixels (DST-CBC's denominator); its losses must
            honour ``avg_factor``, as mmseg's and mmnoisy's do. Default: 'per_source'.
        sup_sources (Sequence[str]): Sources scored by ``sup_loss``.
        unsup_sources (Sequence[str]): Sources scored by ``unsup_loss``.
        ignore_index (int, optional): Ignored label. Default: the decode head's.
    """

    def __init__(self,
                 segmentor: ConfigType,
                 sup_loss: LossConfig = dict(type='CrossEntropyLoss', avg_non_ignore=True),
                 unsup_loss: Optional[LossConfig] = None,
                 sup_weight: float = 1.0,
                 unsup_weight: float = 1.0,
                 normalization: str = 'per_source',
                 sup_sources: Sequence[str] = ('labeled', ),
                 unsup_sources: Sequence[str] = ('pseudo', ),
                 ignore_index: Optional[int] = None,
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
        self.sup_loss = self._build_losses(sup_loss)
        self.unsup_loss = self._build_losses(unsup_loss or sup_loss)
        self.sup_weight = sup_weight
        self.unsup_weight = unsup_weight
        self.normalization = normalization
        self.sup_sources = tuple(sup_sources)
        self.unsup_sources = tuple(unsup_sources)
        self.ignore_index = (self.segmentor.decode_head.ignore_index
                             if ignore_index is None else ignore_index)
        self._register_load_state_dict_pre_hook(self._wrap_plain_checkpoint_keys)

    @staticmethod
    def _build_losses(cfg: LossConfig) -> nn.Module:
        """One loss, or an ``nn.ModuleList`` of them, as mmseg heads build ``loss_decode``."""
        if isinstance(cfg, dict):
            return MODELS.build(cfg)
        return nn.ModuleList(MODELS.build(c) for c in cfg)

    # ------------------------------------------------------------------- training
    def loss(self, inputs: Tensor, data_samples: SampleList) -> Dict[str, Tensor]:
        head = self.segmentor.decode_head
        feats = self.segmentor.extract_feat(inputs)
        seg_label = head._stack_batch_gt(data_samples)
        seg_logits = resize(head.forward(feats), size=seg_label.shape[2:], mode='bilinear',
                            align_corners=head.align_corners)
        sources = [s.metainfo.get('source') or 'labeled' for s in data_samples]
        groups = dict(
            sup=(self._select(sources, self.sup_sources), self.sup_loss, self.sup_weight),
            unsup=(self._select(sources, self.unsup_sources), self.unsup_loss,
                   self.unsup_weight))
        valid = seg_label.squeeze(1) != self.ignore_index
        avg_factor = None
        if self.normalization == 'whole_batch':
            # DST-CBC's denominator, shared by the sources (a number, as mmseg's CE makes).
            avg_factor = valid.sum().item()
        losses = {}
        for prefix, (index, loss_decode, weight) in groups.items():
            if index.numel() == 0:
                continue
            index = index.to(seg_logits.device)
            group = self._loss_by_feat(seg_logits[index], seg_label[index], loss_decode,
                                       avg_factor)
            for name, value in group.items():
                losses[f'{prefix}_{name}'] = weight * value if 'loss' in name else value
            losses[f'{prefix}_valid_ratio'] = valid[index].float().mean()
        if self.segmentor.with_auxiliary_head:
            losses.update(self.segmentor._auxiliary_head_forward_train(feats, data_samples))
        return losses

    def _loss_by_feat(self, seg_logits: Tensor, seg_label: Tensor, loss_decode: nn.Module,
                      avg_factor: Optional[float] = None) -> Dict[str, Tensor]:
        """The decode head's ``loss_by_feat`` on resized logits, with ``loss_decode`` in
        place of the head's losses and ``avg_factor`` passed on when given.

        Args:
            seg_logits (Tensor): Logits (N, C, H, W) at the label size.
            seg_label (Tensor): Labels (N, 1, H, W).
            loss_decode (nn.Module): A loss or an ``nn.ModuleList`` of losses.
            avg_factor (float, optional): Denominator of every loss's mean.

        Returns:
            dict[str, Tensor]: The losses by ``loss_name`` and ``acc_seg``.
        """
        sampler = self.segmentor.decode_head.sampler
        seg_weight = None if sampler is None else sampler.sample(seg_logits, seg_label)
        seg_label = seg_label.squeeze(1)
        kwargs = dict(weight=seg_weight, ignore_index=self.ignore_index)
        if avg_factor is not None:
            kwargs['avg_factor'] = avg_factor
        losses = {}
        loss_fns = loss_decode if isinstance(loss_decode, nn.ModuleList) else [loss_decode]
        for loss_fn in loss_fns:
            value = loss_fn(seg_logits, seg_label, **kwargs)
            name = loss_fn.loss_name
            losses[name] = losses[name] + value if name in losses else value
        losses['acc_seg'] = accuracy(seg_logits, seg_label, ignore_index=self.ignore_index)
        return losses

    @staticmethod
    def _select(sources: List[str], wanted: Sequence[str]) -> Tensor:
        return torch.tensor([i for i, s in enumerate(sources) if s in wanted], dtype=torch.long)

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
        wrap_plain_checkpoint_keys(state_dict, prefix, ('segmentor', ))


def wrap_plain_checkpoint_keys(state_dict: dict, prefix: str, targets: Sequence[str]) -> None:
    """Give every key of a plain segmentor's checkpoint under ``prefix`` (``backbone.*``,
    ``decode_head.*``, ...) to each wrapped copy named in ``targets``, in place."""
    for key in list(state_dict):
        if not key.startswith(prefix):
            continue
        head = key[len(prefix):].split('.', 1)[0]
        if head in _SUB_MODULES:
            value = state_dict.pop(key)
            for target in targets:
                state_dict[f'{prefix}{target}.{key[len(prefix):]}'] = value
