"""BNHead: DINOv2's linear / ms probes; ignore handling of the sparse-label loss."""
import torch
import torch.nn.functional as F
from mmseg.models.losses import CrossEntropyLoss

from mmnoisy.models import BNHead


def test_linear_head_reads_last_layer():
    head = BNHead(in_channels=32, in_index=-1, num_classes=5, norm_cfg=dict(type='BN'))
    assert head.channels == 32 and head.bn.num_features == 32
    feats = [torch.randn(2, 32, 4, 6) for _ in range(4)]
    assert head(feats).shape == (2, 5, 4, 6)


def test_ms_head_concatenates_last_four_layers():
    head = BNHead(in_channels=[32] * 4, in_index=[0, 1, 2, 3],
                  input_transform='resize_concat', num_classes=5,
                  norm_cfg=dict(type='BN'))
    assert head.channels == 128 and head.bn.num_features == 128
    assert head.conv_seg.in_channels == 128
    feats = [torch.randn(2, 32, 4, 6) for _ in range(3)] + [torch.randn(2, 32, 2, 3)]
    head.eval()
    out = head(feats)
    assert out.shape == (2, 5, 4, 6)
    # The official transform: resize each map to the first one's size, concatenate, BN, 1x1.
    cat = torch.cat([F.interpolate(f, size=(4, 6), mode='bilinear', align_corners=False)
                     for f in feats], 1)
    torch.testing.assert_close(out, head.conv_seg(head.bn(cat)))


def test_sparse_label_loss_ignores_unlabelled_pixels():
    torch.manual_seed(0)
    logits = torch.randn(2, 4, 8, 8)
    label = torch.full((2, 8, 8), 255, dtype=torch.long)
    label[0, 2, 3], label[0, 5, 5], label[1, 0, 0] = 1, 3, 0
    mask = label != 255
    per_pixel = F.cross_entropy(logits, label, ignore_index=255, reduction='none')
    assert torch.all(per_pixel[~mask] == 0)
    labelled = CrossEntropyLoss(avg_non_ignore=True)(logits, label, ignore_index=255)
    all_pixels = CrossEntropyLoss(avg_non_ignore=False)(logits, label, ignore_index=255)
    torch.testing.assert_close(labelled, per_pixel[mask].mean())  # mean over labelled pixels
    torch.testing.assert_close(all_pixels, per_pixel.sum() / label.numel())  # paper Eq. 1: 1/HW
    # Changing the logits of unlabelled pixels changes neither loss.
    logits2 = torch.where(mask[:, None], logits, torch.randn_like(logits))
    again = CrossEntropyLoss(avg_non_ignore=True)(logits2, label, ignore_index=255)
    torch.testing.assert_close(again, labelled)
