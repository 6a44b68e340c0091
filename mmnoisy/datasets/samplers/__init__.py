from .centroid_index import build_centroid_index
from .class_centroids import class_centroids
from .class_uniform_sampler import CentroidSample, ClassUniformSampler
from .multi_source_sampler import MultiSourceSampler

__all__ = [
    'CentroidSample', 'ClassUniformSampler', 'MultiSourceSampler', 'build_centroid_index',
    'class_centroids'
]
