"""Fully connected CRF refinement of class probabilities (Krähenbühl & Koltun, 2011).

ADELE's released recipe (``--CRF yes``) refines its multi-scale predictions with one
mean-field iteration before the confidence test; the kernels below are the ones of the
SEAM codebase it uses. One iteration with a strong bilateral term sharpens the
probabilities along colour edges, which changes how many pixels pass ``max_prob > tau``.
"""
from dataclasses import asdict, dataclass
from typing import Union

import numpy as np

INSTALL_HINT = ('the dense CRF needs pydensecrf (`pip install pydensecrf2`, a C++ build of '
                'about a minute; tools/setup_env.sh installs it)')


@dataclass(frozen=True)
class DenseCRFParams:
    """Kernels and iterations of :func:`dense_crf` (defaults: ADELE/SEAM's released values).

    Args:
        iterations (int): Mean-field iterations. Default: 1.
        gaussian_sxy (float): Spatial std (px) of the smoothness kernel. Default: 3.
        gaussian_compat (float): Weight of the smoothness kernel. Default: 3.
        bilateral_sxy (float): Spatial std (px) of the appearance kernel. Default: 32.
        bilateral_srgb (float): Colour std of the appearance kernel. Default: 13.
        bilateral_compat (float): Weight of the appearance kernel. Default: 10.
    """
    iterations: int = 1
    gaussian_sxy: float = 3
    gaussian_compat: float = 3
    bilateral_sxy: float = 32
    bilateral_srgb: float = 13
    bilateral_compat: float = 10

    def __post_init__(self):
        if self.iterations < 1:
            raise ValueError(f'dense CRF iterations must be >= 1, got {self.iterations}')
        for name, value in asdict(self).items():
            if value <= 0:
                raise ValueError(f'dense CRF {name} must be positive, got {value}')

    @classmethod
    def build(cls, spec: Union[bool, dict, 'DenseCRFParams', None]
              ) -> Union['DenseCRFParams', None]:
        """``None``/``False``: no CRF; ``True``: released values; a dict overrides them."""
        if spec is None or spec is False:
            return None
        if spec is True:
            return cls()
        if isinstance(spec, cls):
            return spec
        if isinstance(spec, dict):
            unknown = set(spec) - set(cls.__dataclass_fields__)
            if unknown:
                raise ValueError(f'unknown dense CRF options {sorted(unknown)}; known: '
                                 f'{sorted(cls.__dataclass_fields__)}')
            return cls(**spec)
        raise TypeError(f'crf must be a bool or a dict of DenseCRFParams fields, got {spec!r}')


def require_pydensecrf():
    """Import pydensecrf's ``densecrf`` and ``utils`` modules, or say how to install it."""
    try:
        import pydensecrf.densecrf as dcrf
        import pydensecrf.utils as dcrf_utils
    except ImportError as error:
        raise ImportError(INSTALL_HINT) from error
    return dcrf, dcrf_utils


def dense_crf(prob: np.ndarray, img: np.ndarray,
              params: DenseCRFParams = DenseCRFParams()) -> np.ndarray:
    """Refine per-pixel class probabilities with a fully connected CRF.

    The unary is ``-log(prob)`` (``pydensecrf.utils.unary_from_softmax``, clipped at 1e-5);
    the pairwise terms are a Potts smoothness kernel on position and a Potts appearance
    kernel on position and colour.

    Args:
        prob (np.ndarray): (C, H, W) probabilities, summing to 1 over C.
        img (np.ndarray): (H, W, 3) uint8 image the probabilities belong to (any channel
            order: the colour kernel is isotropic).
        params (DenseCRFParams): Kernels and iterations.

    Returns:
        np.ndarray: (C, H, W) float32 refined probabilities.
    """
    dcrf, dcrf_utils = require_pydensecrf()
    if prob.ndim != 3 or img.shape[:2] != prob.shape[1:] or img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f'dense_crf needs (C, H, W) probabilities and an (H, W, 3) image of '
                         f'the same size, got {prob.shape} and {img.shape}')
    num_classes, height, width = prob.shape
    crf = dcrf.DenseCRF2D(width, height, num_classes)
    crf.setUnaryEnergy(np.ascontiguousarray(dcrf_utils.unary_from_softmax(prob), np.float32))
    crf.addPairwiseGaussian(sxy=params.gaussian_sxy, compat=params.gaussian_compat)
    crf.addPairwiseBilateral(sxy=params.bilateral_sxy, srgb=params.bilateral_srgb,
                             rgbim=np.ascontiguousarray(img, dtype=np.uint8),
                             compat=params.bilateral_compat)
    refined = crf.inference(params.iterations)
    return np.asarray(refined, dtype=np.float32).reshape(num_classes, height, width)
