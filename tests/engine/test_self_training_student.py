"""Zhu et al. end to end through tools/train.py: a saved teacher (wider than the
student) pseudo-labels, a fresh student trains on real + pseudo batches drawn
class-uniformly, cropped around centroids under the coarse2fine+ crop schedule."""
import json
import os.path as osp
from glob import glob

import pytest
import torch
from mmengine import Config

from conftest import REPO, run_tool, semi_options

CONFIG = 'tests/data/configs/tiny_self_training.py'


@pytest.mark.slow
def test_teacher_to_student_with_centroids_and_crop_schedule(tmp_path, shapes_root):
    from mmengine.registry import DefaultScope

    from mmnoisy.registry import MODELS
    teacher_cfg = Config.fromfile(osp.join(REPO, CONFIG)).train_cfg.teacher.model
    with DefaultScope.overwrite_default_scope('mmnoisy'):
        teacher = MODELS.build(teacher_cfg)
    checkpoint = str(tmp_path / 'teacher.pth')
    torch.save(dict(state_dict=teacher.state_dict()), checkpoint)
    work_dir = tmp_path / 'student'
    proc = run_tool('tools/train.py', CONFIG, '--work-dir', str(work_dir),
                    *semi_options(shapes_root, f'train_cfg.teacher.checkpoint={checkpoint}'))
    log = proc.stdout + proc.stderr
    assert len(glob(f'{work_dir}/round_1/pseudo/*.png')) == 30  # the 1/4 unlabelled images
    # one centroid index per source, cached in the work dir
    indexes = [json.load(open(p)) for p in glob(f'{work_dir}/centroids/centroids_*.json')]
    assert sorted(i['num_images'] for i in indexes) == [10, 30]
    assert all(i['tile_size'] == 32 for i in indexes)
    # 2-iteration epochs: warm-up at 64, then 48, 64 (coarse2fine+)
    assert 'crop schedule coarse2fine+: epoch 1, crop (48, 48)' in log
    assert 'crop schedule coarse2fine+: epoch 2, crop (64, 64)' in log
    assert 'loading the best checkpoint so far' not in log  # the teacher labels round 1
    assert 'unsup_loss_ce' in log and 'sup_loss_ce' in log
    state = torch.load(f'{work_dir}/iter_6.pth', weights_only=False)
    assert state['crop_schedule']['progress'] == 6
