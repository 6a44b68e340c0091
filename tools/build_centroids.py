"""Build the class-centroid index of a config's training sources ahead of training.

    python tools/build_centroids.py CONFIG [--work-dir DIR] [--pseudo-dir DIR]

Indexes every training dataset of the config's rounds (its ``semi_data``; else
``train_dataloader``) with the tile size and mode of the config's ``ClassUniformSampler`` and
caches each index as ``<work_dir>/centroids/centroids_<key>.json``, where the self-training
rounds with the same work dir read it back (the key hashes the label files, so changed labels
are indexed afresh). Pseudo-labelled
sources are indexed from ``--pseudo-dir`` (e.g. ``<work_dir>/round_1/pseudo``), skipped
without it.
"""
import argparse

import mmnoisy  # noqa: F401  registers mmnoisy's modules
from mmnoisy.apis.cli import add_common_args, load_cli_config, run_cli
from mmnoisy.utils.constants import IGNORE_INDEX


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='a config that samples class-uniformly')
    parser.add_argument('--pseudo-dir', help="label folder of source='pseudo' datasets")
    add_common_args(parser)
    return parser.parse_args()


def uniform_sampler_cfg(sampler: dict) -> dict:
    """The ClassUniformSampler settings of a dataloader's sampler config."""
    if sampler.get('type') == 'ClassUniformSampler':
        return dict(sampler)
    per_source = sampler.get('source_samplers')
    if isinstance(per_source, (list, tuple)):
        per_source = next((s for s in per_source if s), None)
    if not per_source:
        raise ValueError('the config samples no source class-uniformly (no '
                         'ClassUniformSampler in its training sampler)')
    return dict(per_source)


def main():
    from mmengine.logging import print_log
    from mmengine.registry import init_default_scope

    from mmnoisy.datasets import semi_data_spec
    from mmnoisy.datasets.samplers import build_centroid_index, centroid_cache_dir
    from mmnoisy.datasets.semi_spec import leaf_dataset_cfgs
    from mmnoisy.registry import DATASETS
    args = parse_args()
    cfg = load_cli_config(args)
    init_default_scope(cfg.get('default_scope', 'mmnoisy'))
    if cfg.get('semi_data') is not None:
        loader = semi_data_spec(cfg).round_dataloader(args.pseudo_dir)
    else:
        loader = cfg.train_dataloader.to_dict()
    sampler = uniform_sampler_cfg(loader['sampler'])
    cache_dir = centroid_cache_dir(cfg.work_dir)  # where training reads them back
    for dataset_cfg in leaf_dataset_cfgs(loader['dataset']):
        if dataset_cfg.get('source') == 'pseudo' and not args.pseudo_dir:
            print_log('skipping the pseudo-labelled source (no --pseudo-dir)',
                      logger='current')
            continue
        dataset = DATASETS.build(dataset_cfg)
        build_centroid_index(dataset, sampler.get('num_classes') or
                             len(dataset.metainfo['classes']),
                             sampler.get('tile_size', 1024), sampler.get('mode', 'tile'),
                             sampler.get('ignore_index', IGNORE_INDEX), cache_dir)
    print_log(f'centroid indexes cached in {cache_dir}', logger='current')


if __name__ == '__main__':
    run_cli(main)
