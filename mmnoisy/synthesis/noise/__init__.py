from .label_noise import (KINDS, TIERS, NoiseReport, NoiseSpec, corrupt_label,
                          corrupt_object, get_tier, image_rng)
from .synthesize import list_label_ids, synthesize_noisy_labels

__all__ = [
    'KINDS', 'TIERS', 'NoiseReport', 'NoiseSpec', 'corrupt_label', 'corrupt_object',
    'get_tier', 'image_rng', 'list_label_ids', 'synthesize_noisy_labels'
]
