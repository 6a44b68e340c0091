"""CutMix for weak-to-strong training (UniMatch's ``obtain_cutmix_box`` and the pasting of
its loops): one random box per image; inside it, the strong image, the pseudo label, its
confidence and the padding mask all come from the mixing source, so the target of every
pixel is the prediction for the pixel that the student sees there."""
from typing import Optional, Sequence, Tuple

import torch
from torch import Tensor


def cutmix_boxes(num: int,
                 size: Tuple[int, int],
                 prob: float = 0.5,
                 area: Tuple[float, float] = (0.02, 0.4),
                 aspect: Tuple[float, float] = (0.3, 1 / 0.3),
                 device=None,
                 generator: Optional[torch.Generator] = None) -> Tensor:
    """Boolean masks (num, H, W) of one box per image, each present with ``prob``.

    As released: the box area is ``U(area) * H * W``, its aspect ratio ``r ~ U(aspect)``
    gives ``w = int(sqrt(area / r))``, ``h = int(sqrt(area * r))``, and the top-left corner
    is drawn uniformly (with the ratio) until the box fits in the image.

    Args:
        num (int): Images.
        size (tuple[int, int]): (H, W) of the (padded) images.
        prob (float): Probability that an image gets a box. Default: 0.5.
        area (tuple[float, float]): Range of the box area, as a fraction of H * W.
        aspect (tuple[float, float]): Range of the ratio r (h / w = r).
        device: Device of the masks.
        generator (torch.Generator, optional): Random source (default: torch's).
    """
    height, width = size
    boxes = torch.zeros(num, height, width, dtype=torch.bool, device=device)

    def uniform(low: float, high: float) -> float:
        return low + (high - low) * torch.rand((), generator=generator).item()

    for i in range(num):
        if torch.rand((), generator=generator).item() >= prob:
            continue
        box_area = uniform(*area) * height * width
        while True:
            ratio = uniform(*aspect)
            w, h = int((box_area / ratio)**0.5), int((box_area * ratio)**0.5)
            x = int(torch.randint(width, (), generator=generator))
            y = int(torch.randint(height, (), generator=generator))
            if x + w <= width and y + h <= height:
                break
        boxes[i, y:y + h, x:x + w] = True
    return boxes


def paste(box: Tensor, targets: Sequence[Tensor], sources: Sequence[Tensor]) -> Tuple[Tensor, ...]:
    """Each target with ``box`` (N, H, W) pixels taken from the matching source.

    Targets may be images (N, C, H, W) or per-pixel maps (N, H, W); they are not modified.
    """
    mixed = []
    for target, source in zip(targets, sources, strict=True):
        mask = box if target.dim() == 3 else box.unsqueeze(1)
        mixed.append(torch.where(mask, source, target))
    return tuple(mixed)
