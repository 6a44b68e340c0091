"""FixMatch for segmentation, as the baseline of UniMatch (LiheYoung/UniMatch ``fixmatch.py``):
the student labels the weak view of each unlabelled image, and learns those labels, where
confident, on one strong CutMixed view."""
from typing import Dict

import torch
from mmseg.utils import SampleList
from torch import Tensor

from mmnoisy.registry import MODELS
from .weak_to_strong import WeakToStrongSegmentor, labels_from_logits


@MODELS.register_module()
class FixMatchSegmentor(WeakToStrongSegmentor):
    """FixMatch, per iteration as released:

    1. the mixing batch labelled by the student in eval mode (no gradient);
    2. one forward of ``cat(x, u_w)``: supervised logits, and the weak-view pseudo labels
       (detached, ``conf >= conf_thresh``);
    3. one forward of the CutMixed strong view ``u_s``;
    4. ``loss = (loss_x + loss_s) / 2`` (``loss_weights`` ``sup`` and ``s``: 0.5 each).

    Args:
        **kwargs: Arguments of :class:`WeakToStrongSegmentor`.
    """
    LOSS_WEIGHTS = dict(sup=0.5, s=0.5)
    NUM_STRONG_VIEWS = 1

    def loss(self, inputs: Tensor, data_samples: SampleList) -> Dict[str, Tensor]:
        x, samples_x, batch_u = self.split_batch(inputs, data_samples)
        batch_u, mix_batch = self.mixing_halves(batch_u)
        mix_labels = None if mix_batch is None else self.pseudo_label(
            self.segmentor, mix_batch.weak, mix_batch.ignore)

        feats = self.segmentor.extract_feat(torch.cat((x, batch_u.weak)))
        logits = self.decode(self.segmentor, feats)
        logits_w = self.upsample(logits[len(x):].detach(), x.shape[-2:])
        labels = labels_from_logits(logits_w, batch_u.ignore)

        mix_batch, mix_labels = self.mixing_source(batch_u, labels, mix_batch, mix_labels)
        image_s, target = self.mix(batch_u, labels, mix_batch, mix_labels, view=0)
        logits_s = self.strong_forward(image_s)

        losses = self.labeled_losses(logits, feats, samples_x)
        losses.update(self.unsup_loss('s', logits_s, target))
        losses.update(self.pseudo_label_stats(labels, batch_u.gt))
        return losses
