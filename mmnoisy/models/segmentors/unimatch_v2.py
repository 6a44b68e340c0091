"""UniMatch V2 (Yang et al., TPAMI 2025; LiheYoung/UniMatch-V2 ``unimatch_v2.py``): an EMA
teacher labels the weak view; the two strong views go through the student in one forward,
their features dropped in complementary channels."""
from typing import Dict, List, Sequence

import torch
from mmseg.utils import SampleList
from torch import Tensor

from mmnoisy.registry import MODELS
from .weak_to_strong import WeakToStrongSegmentor


def complementary_dropout(feats: Sequence[Tensor], keep_ratio: float = 0.5) -> List[Tensor]:
    """The released ``comp_drop`` of a batch that stacks two views of the same images,
    ``cat(view1, view2)``: for image i, a Bernoulli(0.5) channel mask m, doubled, scales its
    first view and ``2 - 2m`` its second, so that the views see complementary channels;
    ``keep_ratio`` of the images (a random subset) keep every channel (mask 1) in both.
    One mask per channel count, shared by the levels that have it, as released for the
    four equally wide ViT layers."""
    pairs = feats[0].shape[0] // 2
    masks: Dict[int, Tensor] = {}
    kept = torch.randperm(pairs)[:int(pairs * keep_ratio)]
    out = []
    for feat in feats:
        channels = feat.shape[1]
        if channels not in masks:
            first = torch.bernoulli(feat.new_full((pairs, channels), 0.5)) * 2.0
            first[kept] = 1.0
            masks[channels] = torch.cat((first, 2.0 - first))
        out.append(feat * masks[channels].view(2 * pairs, channels, *[1] * (feat.dim() - 2)))
    return out


@MODELS.register_module()
class UniMatchV2Segmentor(WeakToStrongSegmentor):
    """UniMatch V2, per iteration as released:

    1. the EMA teacher labels the weak views (no gradient, eval mode);
    2. one forward of the labelled images ``x``;
    3. one forward of both strong views ``cat(u_s1, u_s2)``, each CutMixed with the batch
       in reverse order, with :func:`complementary_dropout` on the features;
    4. ``loss = (loss_x + (loss_s1 + loss_s2) / 2) / 2`` (``loss_weights`` ``sup`` 0.5,
       ``s1`` / ``s2`` 0.25).

    Train it with :class:`~mmnoisy.engine.MeanTeacherHook` (the teacher's update) and
    validate both models with :class:`~mmnoisy.engine.TeacherStudentValLoop`.

    Args:
        keep_ratio (float): Share of the images whose strong views keep every channel.
            Default: 0.5.
        teacher (str): Default: 'ema'.
        mix_source (str): Default: 'flipped_batch'.
        **kwargs: Arguments of :class:`WeakToStrongSegmentor`.
    """
    LOSS_WEIGHTS = dict(sup=0.5, s1=0.25, s2=0.25)

    def __init__(self, *args, keep_ratio: float = 0.5, teacher: str = 'ema',
                 mix_source: str = 'flipped_batch', **kwargs):
        super().__init__(*args, teacher=teacher, mix_source=mix_source, **kwargs)
        self.keep_ratio = keep_ratio

    def loss(self, inputs: Tensor, data_samples: SampleList) -> Dict[str, Tensor]:
        x, samples_x, batch_u = self.split_batch(inputs, data_samples)
        batch_u, mix_batch = self.mixing_halves(batch_u)
        labeler = self.teacher if self.teacher is not None else self.segmentor
        labels = self.pseudo_label(labeler, batch_u.weak, batch_u.ignore)
        mix_labels = None if mix_batch is None else self.pseudo_label(
            labeler, mix_batch.weak, mix_batch.ignore)
        mix_batch, mix_labels = self.mixing_source(batch_u, labels, mix_batch, mix_labels)

        feats_x = self.segmentor.extract_feat(x)
        logits_x = self.decode(self.segmentor, feats_x)
        image_s1, target1 = self.mix(batch_u, labels, mix_batch, mix_labels, view=0)
        image_s2, target2 = self.mix(batch_u, labels, mix_batch, mix_labels, view=1)
        logits_s1, logits_s2 = self.strong_forward(
            torch.cat((image_s1, image_s2)),
            perturb=lambda feats: complementary_dropout(feats, self.keep_ratio)).chunk(2)

        losses = self.labeled_losses(logits_x, feats_x, samples_x)
        losses.update(self.unsup_loss('s1', logits_s1, target1))
        losses.update(self.unsup_loss('s2', logits_s2, target2))
        losses.update(self.pseudo_label_stats(labels, batch_u.gt))
        return losses
