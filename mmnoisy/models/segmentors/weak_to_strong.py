"""What FixMatch, UniMatch and UniMatch V2 share: a student (any mmseg segmentor), a teacher
that labels the weak view of each unlabelled image, a confidence threshold, CutMix of the
strong views and their targets, and the unsupervised loss with the released denominator.

Each method's training step (which forwards, which perturbation, which weights) is the
``loss`` of its own class: :class:`FixMatchSegmentor`, :class:`UniMatchSegmentor`,
:class:`UniMatchV2Segmentor`.
"""
import copy
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.models.segmentors.base import BaseSegmentor
from mmseg.models.utils import resize
from mmseg.utils import ConfigType, OptConfigType, SampleList
from torch import Tensor

from mmnoisy.registry import MODELS
from mmnoisy.utils.constants import IGNORE_INDEX
from mmnoisy.utils.errors import ConfigError
from ..data_preprocessor import MultiViewSegDataPreProcessor
from ..layers import convert_dsbn, dsbn_domain
from ..utils import cutmix_boxes, paste
from .semi_segmentor import wrap_plain_checkpoint_keys

# The released ignore mask: the ignore index on pixels the crop padded, 0 elsewhere.
PADDING = IGNORE_INDEX
MIX_SOURCES = ('second_batch', 'flipped_batch')


@dataclass
class UnlabeledBatch:
    """The unlabelled part of a batch: weak views (N, C, H, W), strong views (N, V, C, H, W),
    the padding mask (N, H, W; 255 = padded) and, where the samples have them, ground-truth
    labels (N, H, W) that only the pseudo-label statistics read."""
    weak: Tensor
    strong: Tensor
    ignore: Tensor
    gt: Optional[Tensor]

    def __getitem__(self, index) -> 'UnlabeledBatch':
        return UnlabeledBatch(self.weak[index], self.strong[index], self.ignore[index],
                              None if self.gt is None else self.gt[index])

    def flip(self) -> 'UnlabeledBatch':
        """The batch in reverse order (UniMatch V2's mixing source)."""
        return self[torch.arange(len(self.weak) - 1, -1, -1, device=self.weak.device)]


@dataclass
class PseudoLabels:
    """The teacher's hard labels (N, H, W), their confidence and the padding mask."""
    label: Tensor
    conf: Tensor
    ignore: Tensor

    def flip(self) -> 'PseudoLabels':
        return PseudoLabels(self.label.flip(0), self.conf.flip(0), self.ignore.flip(0))

    def mixed(self, box: Tensor, other: 'PseudoLabels') -> 'PseudoLabels':
        return PseudoLabels(*paste(box, (self.label, self.conf, self.ignore),
                                   (other.label, other.conf, other.ignore)))


class WeakToStrongSegmentor(BaseSegmentor):
    """Base of the online weak-to-strong segmentors (not registered).

    Batches come from :meth:`~mmnoisy.datasets.SemiDataSpec.online_dataloader`: labelled
    samples with ``gt_sem_seg``, and unlabelled samples that carry ``strong_views``
    (:class:`~mmnoisy.datasets.transforms.StrongViews`), normalised and padded by
    :class:`~mmnoisy.models.MultiViewSegDataPreProcessor`.

    Args:
        segmentor (dict): The student, an mmseg segmentor config (e.g. ``EncoderDecoder``).
            Its ``data_preprocessor`` serves this model when ``data_preprocessor`` is None.
        conf_thresh (float): A pseudo label trains the student where its confidence is at
            least this. Default: 0.95 (VOC; the released Cityscapes UniMatch uses 0).
        teacher (str): 'student': the student labels the weak views (FixMatch, UniMatch);
            'ema': an EMA copy kept by :class:`~mmnoisy.engine.MeanTeacherHook` does
            (UniMatch V2). Default: 'student'.
        mix_source (str): Where the CutMix boxes of a strong view come from:
            'second_batch': the second half of the unlabelled samples of the batch
            (FixMatch, UniMatch), labelled by the teacher in eval mode; 'flipped_batch':
            the same images in reverse order (UniMatch V2). Default: 'second_batch'.
        cutmix_prob (float): Probability of a box per strong view. Default: 0.5.
        cutmix_area (tuple[float, float]): Box area range, fraction of the image.
            Default: (0.02, 0.4).
        cutmix_aspect (tuple[float, float]): Box aspect-ratio range. Default: (0.3, 1/0.3).
        loss_weights (dict, optional): Weights of the loss terms, by name (``sup`` and the
            method's unsupervised terms); missing names keep the released weights.
        dsbn (bool): Turn every BN of the student into DSBN; strong views then go through
            its ``aux`` branch. Default: False.
        predict_on (str): 'student' or 'teacher': the model that ``predict`` (validation,
            test) uses. Default: 'student'.
        data_preprocessor (dict, optional): Default: the student's. mmseg's
            ``SegDataPreProcessor`` becomes :class:`MultiViewSegDataPreProcessor` (the same
            arguments), which prepares the strong views too.
        init_cfg (dict, optional): Initialisation config.
    """
    LOSS_WEIGHTS: Dict[str, float] = {}
    NUM_STRONG_VIEWS = 2

    def __init__(self,
                 segmentor: ConfigType,
                 conf_thresh: float = 0.95,
                 teacher: str = 'student',
                 mix_source: str = 'second_batch',
                 cutmix_prob: float = 0.5,
                 cutmix_area: Tuple[float, float] = (0.02, 0.4),
                 cutmix_aspect: Tuple[float, float] = (0.3, 1 / 0.3),
                 loss_weights: Optional[Dict[str, float]] = None,
                 dsbn: bool = False,
                 predict_on: str = 'student',
                 data_preprocessor: OptConfigType = None,
                 init_cfg=None):
        segmentor = dict(segmentor)
        student_preprocessor = segmentor.pop('data_preprocessor', None)
        super().__init__(
            data_preprocessor=with_views(data_preprocessor or student_preprocessor),
            init_cfg=init_cfg)
        _check_choice('teacher', teacher, ('student', 'ema'))
        _check_choice('mix_source', mix_source, MIX_SOURCES)
        _check_choice('predict_on', predict_on, ('student', 'teacher'))
        unknown = set(loss_weights or {}) - set(self.LOSS_WEIGHTS)
        if unknown:
            raise ConfigError(f'{type(self).__name__}: unknown loss_weights {sorted(unknown)}; '
                              f'its terms are {sorted(self.LOSS_WEIGHTS)}')
        self.segmentor = MODELS.build(segmentor)
        if dsbn:
            self.segmentor = convert_dsbn(self.segmentor)
        self.ema = None
        if teacher == 'ema':
            self.ema = copy.deepcopy(self.segmentor).requires_grad_(False).eval()
        if predict_on == 'teacher' and self.ema is None:
            raise ConfigError("predict_on='teacher' needs teacher='ema' (with teacher="
                              "'student' the student is the teacher)")
        self.conf_thresh = conf_thresh
        self.mix_source = mix_source
        self.cutmix = dict(prob=cutmix_prob, area=tuple(cutmix_area),
                           aspect=tuple(cutmix_aspect))
        self.loss_weights = {**self.LOSS_WEIGHTS, **(loss_weights or {})}
        self.predict_on = predict_on
        self.ignore_index = self.segmentor.decode_head.ignore_index
        self._register_load_state_dict_pre_hook(self._load_plain_checkpoint)

    # ------------------------------------------------------------ student / teacher
    @property
    def student(self) -> nn.Module:
        return self.segmentor

    @property
    def teacher(self) -> Optional[nn.Module]:
        """The EMA model (``teacher='ema'``), else None: the student labels for itself."""
        return self.ema

    def train(self, mode: bool = True) -> 'WeakToStrongSegmentor':
        super().train(mode)
        if self.ema is not None:
            self.ema.eval()  # the EMA teacher always predicts with its running statistics
        return self

    # ------------------------------------------------------------------- the batch
    def split_batch(self, inputs: Tensor, data_samples: SampleList
                    ) -> Tuple[Tensor, SampleList, UnlabeledBatch]:
        """Labelled images and samples, and the unlabelled batch (samples with strong
        views), each in batch order."""
        unlabeled = [i for i, s in enumerate(data_samples) if 'strong_views' in s]
        labeled = [i for i, s in enumerate(data_samples) if 'strong_views' not in s]
        if not labeled or not unlabeled:
            raise ConfigError(
                f'{type(self).__name__} needs labelled and unlabelled images in every batch, '
                f'got {len(labeled)} + {len(unlabeled)}: train it on '
                "train_dataloader=dict(semi_data='online') (SemiDataSpec.online_dataloader)")
        views = [data_samples[i].strong_views for i in unlabeled]
        if min(len(v) for v in views) < self.NUM_STRONG_VIEWS:
            raise ConfigError(f'{type(self).__name__} needs {self.NUM_STRONG_VIEWS} strong '
                              f'views per unlabelled image, the pipeline gives {len(views[0])}: '
                              f'set StrongViews(num_views={self.NUM_STRONG_VIEWS})')
        samples_u = [data_samples[i] for i in unlabeled]
        batch_u = UnlabeledBatch(
            weak=inputs[unlabeled], strong=torch.stack(views),
            ignore=padding_mask(samples_u, inputs.shape[-2:], inputs.device),
            gt=_stacked_gt(samples_u))
        return inputs[labeled], [data_samples[i] for i in labeled], batch_u

    def mixing_halves(self, batch_u: UnlabeledBatch
                      ) -> Tuple[UnlabeledBatch, Optional[UnlabeledBatch]]:
        """The unlabelled batch that trains and, with ``mix_source='second_batch'``, the
        batch its boxes come from."""
        if self.mix_source == 'flipped_batch':
            return batch_u, None
        count = len(batch_u.weak)
        if count % 2:
            raise ConfigError(f"mix_source='second_batch' splits the unlabelled images of a "
                              f'batch in two halves, got {count}: give semi_data an even '
                              'unlabelled count in source_ratio (e.g. (2, 4))')
        return batch_u[:count // 2], batch_u[count // 2:]

    def mixing_source(self, batch_u: UnlabeledBatch, labels: PseudoLabels,
                      mix_batch: Optional[UnlabeledBatch], mix_labels: Optional[PseudoLabels]
                      ) -> Tuple[UnlabeledBatch, PseudoLabels]:
        """The batch and labels the boxes are cut from: the second half, or the training
        batch itself in reverse order."""
        if mix_batch is None:
            return batch_u.flip(), labels.flip()
        return mix_batch, mix_labels

    # --------------------------------------------------------------- predictions
    def decode(self, model: nn.Module, feats: Sequence[Tensor]) -> Tensor:
        """Head logits at the head's resolution."""
        return model.decode_head.forward(feats)

    def upsample(self, logits: Tensor, size) -> Tensor:
        return resize(logits, size=size, mode='bilinear',
                      align_corners=self.segmentor.decode_head.align_corners)

    @torch.no_grad()
    def pseudo_label(self, model: nn.Module, weak: Tensor, ignore: Tensor,
                     eval_mode: bool = True) -> PseudoLabels:
        """Labels and confidences of ``model`` on the weak views, without gradient; the
        student switches to eval mode for it, as the released loops do."""
        was_training = model.training
        model.train(not eval_mode and was_training)
        logits = self.upsample(self.decode(model, model.extract_feat(weak)), weak.shape[-2:])
        model.train(was_training)
        return labels_from_logits(logits, ignore)

    def strong_forward(self, strong: Tensor, perturb=None) -> Tensor:
        """Student logits at the input size for strong views (N, C, H, W), through the DSBN
        ``aux`` branches where there are any; ``perturb`` maps the features first."""
        marks = torch.ones(len(strong), dtype=torch.bool)
        with dsbn_domain(self.segmentor, marks):
            feats = self.segmentor.extract_feat(strong)
            if perturb is not None:
                feats = perturb(feats)
            logits = self.decode(self.segmentor, feats)
        return self.upsample(logits, strong.shape[-2:])

    # -------------------------------------------------------------------- losses
    def labeled_losses(self, logits: Tensor, feats: Sequence[Tensor],
                       samples: SampleList) -> Dict[str, Tensor]:
        """Supervised losses of the labelled samples, the first ``len(samples)`` of
        ``logits`` and ``feats`` (and the student's auxiliary head, if it has one)."""
        losses = self.sup_loss(logits[:len(samples)], samples)
        if self.segmentor.with_auxiliary_head:
            aux = self.segmentor._auxiliary_head_forward_train(
                [f[:len(samples)] for f in feats], samples)
            losses.update({f'sup_{k}': self._weighted('sup', v) if 'loss' in k else v
                           for k, v in aux.items()})
        return losses

    def sup_loss(self, logits: Tensor, samples: SampleList) -> Dict[str, Tensor]:
        """The decode head's own losses (and pixel sampler) on the labelled samples."""
        losses = self.segmentor.decode_head.loss_by_feat(logits, samples)
        return {f'sup_{k}': self._weighted('sup', v) if 'loss' in k else v
                for k, v in losses.items()}

    def unsup_loss(self, name: str, logits: Tensor, target: PseudoLabels) -> Dict[str, Tensor]:
        """Cross entropy on the confident, unpadded pixels, summed and divided by all the
        unpadded pixels (the released denominator, not the confident ones)."""
        confident = (target.conf >= self.conf_thresh) & (target.ignore != PADDING)
        pixel_loss = F.cross_entropy(logits, target.label, reduction='none')
        unpadded = (target.ignore != PADDING).sum().clamp(min=1)
        loss = (pixel_loss * confident).sum() / unpadded
        return {f'unsup_loss_{name}': self._weighted(name, loss)}

    def _weighted(self, name: str, loss: Tensor) -> Tensor:
        return self.loss_weights[name] * loss

    def pseudo_label_stats(self, labels: PseudoLabels, gt: Optional[Tensor]
                           ) -> Dict[str, Tensor]:
        """``mask_ratio``: confident share of the unpadded pixels (logged by the released
        loops); ``pl_precision``: share of the confident pixels whose label is right,
        where the unlabelled samples have ground truth (never used for training)."""
        unpadded = labels.ignore != PADDING
        confident = (labels.conf >= self.conf_thresh) & unpadded
        stats = dict(mask_ratio=confident.sum() / unpadded.sum().clamp(min=1))
        if gt is not None:
            judged = confident & (gt != self.ignore_index)
            right = (labels.label == gt) & judged
            stats['pl_precision'] = right.sum() / judged.sum().clamp(min=1)
        return {k: v.detach().float() for k, v in stats.items()}

    def mix(self, batch: UnlabeledBatch, labels: PseudoLabels, mix_batch: UnlabeledBatch,
            mix_labels: PseudoLabels, view: int) -> Tuple[Tensor, PseudoLabels]:
        """Strong view ``view`` of ``batch`` and its targets, CutMixed with ``mix_batch``."""
        box = cutmix_boxes(len(batch.weak), tuple(batch.weak.shape[-2:]),
                           device=batch.weak.device, **self.cutmix)
        (image, ) = paste(box, (batch.strong[:, view], ), (mix_batch.strong[:, view], ))
        return image, labels.mixed(box, mix_labels)

    # --------------------------------------------------- inference: one of the models
    def predictor(self) -> nn.Module:
        return self.ema if self.predict_on == 'teacher' else self.segmentor

    def extract_feat(self, inputs: Tensor) -> List[Tensor]:
        return self.predictor().extract_feat(inputs)

    def encode_decode(self, inputs: Tensor, batch_img_metas: List[dict]) -> Tensor:
        return self.predictor().encode_decode(inputs, batch_img_metas)

    def predict(self, inputs: Tensor, data_samples: Optional[SampleList] = None) -> SampleList:
        return self.predictor().predict(inputs, data_samples)

    def _forward(self, inputs: Tensor, data_samples: Optional[SampleList] = None) -> Tensor:
        return self.predictor()._forward(inputs, data_samples)

    # ------------------------------------------------------------------ checkpoints
    def _load_plain_checkpoint(self, state_dict, prefix, *args, **kwargs):
        """A plain segmentor's checkpoint (``backbone.*``, ...) loads into the student and
        into the EMA teacher, as both start from it."""
        targets = ('segmentor', 'ema') if self.ema is not None else ('segmentor', )
        wrap_plain_checkpoint_keys(state_dict, prefix, targets)


def with_views(preprocessor: Optional[dict]) -> Optional[dict]:
    """A ``SegDataPreProcessor`` config as the :class:`MultiViewSegDataPreProcessor` one."""
    if preprocessor is None or preprocessor.get('type') not in ('SegDataPreProcessor',
                                                                 'mmseg.SegDataPreProcessor'):
        return preprocessor
    return dict(preprocessor, type=MultiViewSegDataPreProcessor)


def labels_from_logits(logits: Tensor, ignore: Tensor) -> PseudoLabels:
    """Hard labels and their softmax confidence from logits (N, C, H, W)."""
    conf, label = logits.softmax(dim=1).max(dim=1)
    return PseudoLabels(label, conf, ignore)


def padding_mask(samples: SampleList, size, device) -> Tensor:
    """(N, H, W): 255 where the data preprocessor padded the sample (``padding_size``,
    right and bottom), 0 on its image."""
    mask = torch.zeros((len(samples), *size), dtype=torch.long, device=device)
    for i, sample in enumerate(samples):
        _, right, _, bottom = sample.metainfo.get('padding_size', (0, 0, 0, 0))
        if right:
            mask[i, :, size[1] - int(right):] = PADDING
        if bottom:
            mask[i, size[0] - int(bottom):, :] = PADDING
    return mask


def _stacked_gt(samples: SampleList) -> Optional[Tensor]:
    if not all('gt_sem_seg' in s for s in samples):
        return None
    return torch.stack([s.gt_sem_seg.data.squeeze(0) for s in samples]).long()


def _check_choice(name: str, value: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ConfigError(f'{name} must be one of {list(choices)}, got {value!r}')
