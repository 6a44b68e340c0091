"""Pseudo labels appear under their folder's name complete or not at all.

``PseudoLabeler.run`` writes into ``<out>.partial`` and renames it when the labels and the
report are complete; a run interrupted part-way leaves only that staging folder, which the
next run replaces. Also through tools/train.py: a self-training run killed while labelling a
round resumes and completes the round.
"""
import json
import os
import os.path as osp
from glob import glob

import pytest
import torch

from conftest import REPO, SEMI_CONFIG, run_tool, semi_options
from mmnoisy.pseudo import PseudoLabeler
from mmnoisy.pseudo import labeler as labeler_module
from mmnoisy.utils.errors import OutputDirError

UNLABELLED = 30  # images of the 1/4 split's unlabelled list


class Interrupted(Exception):
    """Stands in for the signal that kills a run."""


def interrupt_after(monkeypatch, images):
    """Make the labeller's predictions fail after ``images`` images, like a killed run."""
    predict = labeler_module.predict_probabilities
    calls = []

    def failing(*args, **kwargs):
        if len(calls) == images:
            raise Interrupted
        calls.append(1)
        return predict(*args, **kwargs)

    monkeypatch.setattr(labeler_module, 'predict_probabilities', failing)


def pngs(folder):
    return sorted(glob(f'{folder}/*.png'))


def contents(folder):
    return {p: open(p, 'rb').read() for p in glob(f'{folder}/**/*', recursive=True)
            if osp.isfile(p)}


def test_interrupted_run_leaves_only_the_staging_folder(semi_setup, tmp_path, monkeypatch):
    model, loader = semi_setup
    out = str(tmp_path / 'pseudo')
    with monkeypatch.context() as patch:
        interrupt_after(patch, 5)
        with pytest.raises(Interrupted):
            PseudoLabeler(num_overlays=0).run(model, loader, out)
    assert not osp.exists(out)  # no incomplete label set under the final name
    assert len(pngs(out + '.partial')) == 5
    assert not osp.exists(f'{out}.partial/report.json')
    PseudoLabeler(num_overlays=1).run(model, loader, out)  # the next run completes
    assert len(pngs(out)) == UNLABELLED and osp.isfile(f'{out}/report.json')
    assert json.load(open(f'{out}/report.json'))['num_images'] == UNLABELLED
    assert sorted(os.listdir(tmp_path)) == ['pseudo']  # the staging folder is gone


def test_earlier_labels_stay_until_the_new_set_is_complete(semi_setup, tmp_path, monkeypatch):
    model, loader = semi_setup
    out = str(tmp_path / 'pseudo')
    PseudoLabeler(num_overlays=0).run(model, loader, out, ratio=0.5)
    earlier = contents(out)
    with monkeypatch.context() as patch:
        interrupt_after(patch, 3)
        with pytest.raises(Interrupted):
            PseudoLabeler(num_overlays=0).run(model, loader, out)
    assert contents(out) == earlier  # the complete earlier set, untouched
    PseudoLabeler(num_overlays=0).run(model, loader, out)  # ratio None: every pixel
    assert json.load(open(f'{out}/report.json'))['coverage'] == 1.0
    assert len(pngs(out)) == UNLABELLED
    assert sorted(os.listdir(tmp_path)) == ['pseudo']  # no .partial, no .old left


def test_labeller_refuses_the_dataset_folders_before_inference(semi_setup, monkeypatch):
    model, loader = semi_setup
    label_dir = loader.dataset.data_prefix['seg_map_path']
    before = contents(label_dir)

    def no_inference(*args, **kwargs):
        raise AssertionError('the output folder must be checked before inference')

    monkeypatch.setattr(labeler_module, 'predict_probabilities', no_inference)
    with pytest.raises(OutputDirError, match='is the input folder'):
        PseudoLabeler().run(model, loader, label_dir)
    with pytest.raises(OutputDirError, match='contains the input folder'):
        PseudoLabeler().run(model, loader, osp.dirname(label_dir))
    assert contents(label_dir) == before


@pytest.mark.slow
def test_self_training_killed_while_labelling_resumes_the_round(tmp_path, shapes_root):
    # One supervised iteration, then a single round (ratio 1: one labelling pass).
    short = ('train_cfg.sup_iters=1', 'train_cfg.round_iters=1', 'train_cfg.ratios=[1.0]',
             'train_cfg.val_interval=1')
    config = tmp_path / 'kill.py'
    config.write_text(f"_base_ = '{REPO}/{SEMI_CONFIG}'\n"
                      "custom_imports = dict(imports=['kill_during_labelling'])\n"
                      "train_cfg = dict(pseudo_labeler=dict(\n"
                      "    _delete_=True, type='KillDuringLabelling', kill_after=4))\n")
    work_dir = tmp_path / 'work'
    env = dict(PYTHONPATH=f'{REPO}:{REPO}/tests/data')

    def train(cfg, *extra, check=True):
        return run_tool('tools/train.py', str(cfg), '--work-dir', str(work_dir), *extra,
                        *semi_options(shapes_root, *short), env=env, check=check)

    proc = train(config, check=False)
    assert proc.returncode == 3, proc.stderr[-3000:]  # killed while labelling round 1
    pseudo = f'{work_dir}/round_1/pseudo'
    assert not osp.exists(pseudo)  # only the staging folder holds the partial labels
    assert len(pngs(pseudo + '.partial')) == 4
    log = (lambda p: p.stdout + p.stderr)(train(f'{REPO}/{SEMI_CONFIG}', '--resume'))
    assert 'resumed epoch: 0, iter: 1' in log
    assert f'round 1 pseudo labels: {UNLABELLED} images' in log
    assert 'self-training round 1/1 (ratio 1.0): iterations 2-2' in log
    assert len(pngs(pseudo)) == UNLABELLED and osp.isfile(f'{pseudo}/report.json')
    assert sorted(os.listdir(f'{work_dir}/round_1')) == ['pseudo']
    assert torch.load(f'{work_dir}/iter_2.pth', weights_only=False)['meta']['iter'] == 2
