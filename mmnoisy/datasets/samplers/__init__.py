from .centroid_index import build_centroid_index, centroid_cache_dir
from .class_centroids import class_centroids
from .class_uniform_sampler import CentroidSample, ClassUniformSampler, with_cache_dir
from .multi_source_sampler import MultiSourceSampler

__all__ = [
    'CentroidSample', 'ClassUniformSampler', 'MultiSourceSampler', 'build_centroid_index',
    'centroid_cache_dir', 'class_centroids', 'with_cache_dir'
]
