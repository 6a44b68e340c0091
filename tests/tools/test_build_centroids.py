"""tools/build_centroids.py caches the index where training reads it back."""
import json
from glob import glob

from conftest import run_tool, semi_options

CONFIG = 'tests/data/configs/tiny_self_training.py'


def test_build_centroids_of_each_source(tmp_path, shapes_root):
    args = ['tools/build_centroids.py', CONFIG, '--work-dir', str(tmp_path)]
    log = run_tool(*args, *semi_options(shapes_root)).stdout
    assert 'skipping the pseudo-labelled source' in log
    [real] = glob(f'{tmp_path}/centroids/centroids_*.json')
    index = json.load(open(real))
    assert index['num_images'] == 10 and index['tile_size'] == 32
    assert sum(len(v) for v in index['centroids'].values()) > 10
    # ground truth stands in for pseudo labels; the labelled index is read back
    proc = run_tool(*args, '--pseudo-dir', f'{shapes_root}/SegmentationClass',
                    *semi_options(shapes_root))
    assert f'class centroids read from {real}' in proc.stdout + proc.stderr
    sizes = sorted(json.load(open(p))['num_images']
                   for p in glob(f'{tmp_path}/centroids/centroids_*.json'))
    assert sizes == [10, 30]
