"""UniMatch (Yang et al., CVPR 2023; LiheYoung/UniMatch ``unimatch.py``): FixMatch with two
strong views of each unlabelled image and a third stream that perturbs the weak view's
features instead of its pixels."""
from typing import Dict, List, Sequence

import torch
import torch.nn.functional as F
from mmseg.utils import SampleList
from torch import Tensor

from mmnoisy.registry import MODELS
from .weak_to_strong import WeakToStrongSegmentor, labels_from_logits


def with_feature_dropout(feats: Sequence[Tensor], p: float = 0.5) -> List[Tensor]:
    """Each feature map followed, along the batch, by a copy with whole channels dropped
    (``Dropout2d(p)``, survivors scaled by 1 / (1 - p)): the released ``need_fp`` input of the
    decoder, ``cat(feat, Dropout2d(0.5)(feat))``."""
    return [torch.cat((f, F.dropout2d(f, p, training=True))) for f in feats]


@MODELS.register_module()
class UniMatchSegmentor(WeakToStrongSegmentor):
    """UniMatch, per iteration as released:

    1. the mixing batch labelled by the student in eval mode (no gradient);
    2. one forward of ``cat(x, u_w)`` whose features, and a channel-dropout copy of them
       (``fp_dropout``), go through the decoder together: supervised logits, the weak-view
       pseudo labels (detached) and the feature-perturbed prediction ``u_w_fp``;
    3. one forward of both CutMixed strong views, ``cat(u_s1, u_s2)``;
    4. ``loss = (loss_x + 0.25 loss_s1 + 0.25 loss_s2 + 0.5 loss_fp) / 2``
       (``loss_weights`` ``sup`` 0.5, ``s1`` / ``s2`` 0.125, ``fp`` 0.25).

    The mixing batch of the release is a second iterator over the same unlabelled loader
    (``zip(loader_l, loader_u, loader_u)``); with the sampler's shared epoch seed it holds
    the same images, augmented anew. Here it is the second half of the unlabelled samples
    of the batch: other images, as the paper describes CutMix.

    Args:
        fp_dropout (float): Channel dropout of the feature perturbation. Default: 0.5.
        **kwargs: Arguments of :class:`WeakToStrongSegmentor`.
    """
    LOSS_WEIGHTS = dict(sup=0.5, s1=0.125, s2=0.125, fp=0.25)

    def __init__(self, *args, fp_dropout: float = 0.5, **kwargs):
        super().__init__(*args, **kwargs)
        self.fp_dropout = fp_dropout

    def loss(self, inputs: Tensor, data_samples: SampleList) -> Dict[str, Tensor]:
        x, samples_x, batch_u = self.split_batch(inputs, data_samples)
        batch_u, mix_batch = self.mixing_halves(batch_u)
        mix_labels = None if mix_batch is None else self.pseudo_label(
            self.segmentor, mix_batch.weak, mix_batch.ignore)

        feats = self.segmentor.extract_feat(torch.cat((x, batch_u.weak)))
        logits, logits_fp = self.decode(
            self.segmentor, with_feature_dropout(feats, self.fp_dropout)).chunk(2)
        size = x.shape[-2:]
        labels = labels_from_logits(self.upsample(logits[len(x):].detach(), size),
                                    batch_u.ignore)

        mix_batch, mix_labels = self.mixing_source(batch_u, labels, mix_batch, mix_labels)
        image_s1, target1 = self.mix(batch_u, labels, mix_batch, mix_labels, view=0)
        image_s2, target2 = self.mix(batch_u, labels, mix_batch, mix_labels, view=1)
        logits_s1, logits_s2 = self.strong_forward(torch.cat((image_s1, image_s2))).chunk(2)

        losses = self.labeled_losses(logits, feats, samples_x)
        losses.update(self.unsup_loss('s1', logits_s1, target1))
        losses.update(self.unsup_loss('s2', logits_s2, target2))
        losses.update(self.unsup_loss('fp', self.upsample(logits_fp[len(x):], size), labels))
        losses.update(self.pseudo_label_stats(labels, batch_u.gt))
        return losses
