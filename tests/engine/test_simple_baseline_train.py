"""Simple Baseline end to end through tools/train.py: strong views routed through DSBN's aux
branch, the self-correction loss on pseudo labels, two teacher/student rounds."""
import json
import os.path as osp
from glob import glob

import pytest
import torch

from conftest import REPO, run_tool, semi_options

CONFIG = 'tests/data/configs/tiny_simple_baseline.py'


@pytest.mark.slow
def test_tiny_simple_baseline_trains(tmp_path, shapes_root):
    proc = run_tool('tools/train.py', CONFIG, '--work-dir', str(tmp_path),
                    *semi_options(shapes_root), env=dict(PYTHONPATH=REPO))
    log = proc.stdout + proc.stderr
    for r in (1, 2):
        assert len(glob(f'{tmp_path}/round_{r}/pseudo/*.png')) == 30
        report = json.load(open(f'{tmp_path}/round_{r}/pseudo/report.json'))
        assert report['coverage'] == 1.0  # argmax, no threshold
    assert 'sup_loss_ce' in log and 'unsup_loss_scl' in log
    assert 'strong_ratio: 0.5000' in log  # one strong (pseudo) + one weak sample per batch
    state = torch.load(f'{tmp_path}/iter_10.pth', weights_only=False)['state_dict']
    main = state['segmentor.backbone.stem.1.main.weight']
    aux = state['segmentor.backbone.stem.1.aux.weight']
    assert not torch.equal(main, aux)  # each branch trained on its own samples
    # the supervised stage sees weak samples only: aux keeps its initial statistics there
    stage0 = torch.load(f'{tmp_path}/iter_4.pth', weights_only=False)['state_dict']
    assert stage0['segmentor.backbone.stem.1.aux.num_batches_tracked'] == 0
    assert stage0['segmentor.backbone.stem.1.main.num_batches_tracked'] == 4
    assert osp.isfile(f'{tmp_path}/best_after_stage_2.pth')
