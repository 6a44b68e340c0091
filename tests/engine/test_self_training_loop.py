"""SelfTrainingLoop end to end through tools/train.py: stages, rounds, resume mid-round."""
import json
import os.path as osp
from glob import glob

import pytest
import torch

from conftest import REPO, SEMI_CONFIG, logged_lrs, run_tool, semi_options

# tiny_dst_cbc: supervised iterations 1-4, round 1 (ratio 0.5) 5-7, round 2 (ratio 1.0) 8-10
TOTAL_ITERS = 10


def train(work_dir, data_root, *extra, config=SEMI_CONFIG, check=True, resume=False,
          timeout=600):
    args = ['tools/train.py', config, '--work-dir', str(work_dir)]
    if resume:
        args.append('--resume')
    env = dict(PYTHONPATH=f'{REPO}:{REPO}/tests/data')
    return run_tool(*args, *semi_options(data_root, *extra), env=env, check=check,
                    timeout=timeout)


def killed_after(stop_iter, tmp_path, data_root):
    """The work dir of a tiny run killed (os._exit) right after iteration ``stop_iter``."""
    config = tmp_path / 'stop.py'
    config.write_text(f"_base_ = '{REPO}/{SEMI_CONFIG}'\n"
                      "custom_imports = dict(imports=['stop_at_iter_hook'])\n"
                      f"custom_hooks = [dict(type='StopAtIterHook', stop_iter={stop_iter})]\n")
    work_dir = tmp_path / 'work'
    proc = train(work_dir, data_root, config=str(config), check=False)
    assert proc.returncode == 3, proc.stderr[-2000:]
    return work_dir


def stage_result(log, stage):
    """The ``<stage> done: ...`` line of a log, without its time stamp."""
    [line] = [line for line in log.splitlines() if f' - {stage} done: ' in line]
    return line.split(' - ')[-1]


@pytest.fixture(scope='module')
def full_run(tmp_path_factory, shapes_root):
    work_dir = tmp_path_factory.mktemp('st_full')
    proc = train(work_dir, shapes_root)
    return work_dir, proc.stdout + proc.stderr


@pytest.mark.slow
def test_rounds_pseudo_label_and_keep_the_best(full_run):
    work_dir, log = full_run
    assert torch.load(f'{work_dir}/iter_{TOTAL_ITERS}.pth',
                      weights_only=False)['meta']['iter'] == TOTAL_ITERS
    for stage in range(3):
        assert osp.isfile(f'{work_dir}/best_after_stage_{stage}.pth')
    for r, ratio in ((1, 0.5), (2, 1.0)):
        pseudo = f'{work_dir}/round_{r}/pseudo'
        assert len(glob(f'{pseudo}/*.png')) == 30  # the 1/4 split's unlabelled images
        report = json.load(open(f'{pseudo}/report.json'))
        assert report['ratio'] == ratio
    assert json.load(open(f'{work_dir}/round_2/pseudo/report.json'))['coverage'] == 1.0
    assert 'loading the best checkpoint so far' in log
    assert 'unsup_loss_dst' in log and 'sup_loss_dst' in log


@pytest.mark.slow
def test_each_stage_restarts_the_lr_schedule(full_run):
    lrs = logged_lrs(full_run[0])
    # PolyLR restarts at the first iteration of every stage: at the base LR for the
    # supervised stage, at round_lr_factor (0.2, set by the tiny config) times it for rounds.
    assert lrs[1] == pytest.approx(0.05)
    assert lrs[5] == pytest.approx(lrs[8]) == pytest.approx(0.2 * 0.05)
    assert lrs[4] < lrs[1] and lrs[7] < lrs[5]


@pytest.mark.slow
def test_killed_mid_round_resumes_in_that_round(tmp_path, shapes_root, full_run):
    work_dir = killed_after(8, tmp_path, shapes_root)  # the first iteration of round 2
    labels_round_1 = {p: osp.getmtime(p) for p in glob(f'{work_dir}/round_1/pseudo/*.png')}
    assert labels_round_1 and glob(f'{work_dir}/round_2/pseudo/*.png')
    proc = train(work_dir, shapes_root, resume=True)
    log = proc.stdout + proc.stderr
    assert 'resumed epoch: 0, iter: 8' in log
    assert 'self-training round 2/2 (ratio 1.0): iterations 9-10' in log
    assert 'supervised stage' not in log and 'round 1 pseudo labels' not in log
    assert 'pseudo labels: labelling pass' not in log  # round 2's labels are reused
    assert {p: osp.getmtime(p) for p in labels_round_1} == labels_round_1
    assert torch.load(f'{work_dir}/iter_{TOTAL_ITERS}.pth',
                      weights_only=False)['meta']['iter'] == TOTAL_ITERS
    resumed, full = logged_lrs(work_dir), logged_lrs(full_run[0])
    for it in (9, 10):
        assert resumed[it] == pytest.approx(full[it])
    # the earlier stages' scores come with the checkpoint: round 2's result line is the same
    assert stage_result(log, 'round 2/2') == stage_result(full_run[1], 'round 2/2')
    assert 'vs round 1), best so far' in stage_result(log, 'round 2/2')


@pytest.mark.parametrize('option, message', [
    ('train_cfg.ratios=[0.2,1.5]', r'every ratio must be in \(0, 1\]'),
    ('train_cfg.num_rounds=3', 'num_rounds=3 but 2 ratios'),
    ('train_cfg.round_lr_factor=0', 'round_lr_factor must be > 0'),
    ('train_cfg.sup_iters=0', 'nothing gives round 1 a trained model to pseudo-label with'),
])
def test_bad_round_settings_fail_clearly(tmp_path, shapes_root, option, message):
    proc = train(tmp_path / 'work', shapes_root, option, check=False)
    assert proc.returncode != 0
    assert pytest.importorskip('re').search(message, proc.stderr), proc.stderr[-2000:]


def test_overlapping_labelled_and_unlabelled_lists_are_refused(tmp_path, shapes_root):
    # 4_labeled_0 lists images that 8_unlabeled_0 lists too (the 1/8 set is a prefix).
    proc = train(tmp_path / 'work', shapes_root,
                 'semi_data.unlabeled_split=ImageSets/Segmentation/8_unlabeled_0.txt',
                 check=False)
    assert proc.returncode == 2 and 'Traceback' not in proc.stderr
    assert 'in both the labeled and the unlabeled list' in proc.stderr


@pytest.mark.slow
def test_resume_refuses_pseudo_labels_of_another_run(tmp_path, shapes_root, full_run):
    """A checkpoint copied from another run's round names that run's pseudo labels: resuming
    it here would read (and relabel into) the other run's folder."""
    work_dir = tmp_path / 'copied'
    work_dir.mkdir()
    checkpoint = torch.load(f'{full_run[0]}/iter_6.pth', weights_only=False)
    info = checkpoint['message_hub']['runtime_info']
    assert info['self_training']['pseudo_dir'].startswith(str(full_run[0]))
    info.pop('best_ckpt', None)  # only the pseudo-label folder points elsewhere
    torch.save(checkpoint, work_dir / 'iter_6.pth')
    proc = train(work_dir, shapes_root, check=False, resume=True)
    errors = [line for line in proc.stderr.splitlines() if line.startswith('error: ')]
    assert proc.returncode == 2 and len(errors) == 1, proc.stderr[-2000:]
    assert 'pseudo labels of its round' in errors[0] and 'outside this work dir' in errors[0]


@pytest.mark.slow
def test_killed_at_a_stage_end_resumes_without_replaying_it(tmp_path, shapes_root):
    work_dir = killed_after(7, tmp_path, shapes_root)  # the last iteration of round 1
    proc = train(work_dir, shapes_root, resume=True)
    log = proc.stdout + proc.stderr
    assert 'resumed epoch: 0, iter: 7' in log
    assert 'advancing the dataloader' not in log  # round 1's batches are not drawn again
    assert 'self-training round 1/2' not in log
    assert 'self-training round 2/2 (ratio 1.0): iterations 8-10' in log
    assert 'Iter(val)' in log.split('self-training round 2/2')[0]  # round 1 scored first
    assert torch.load(f'{work_dir}/iter_{TOTAL_ITERS}.pth',
                      weights_only=False)['meta']['iter'] == TOTAL_ITERS


def test_stages_draw_batches_with_loader_workers(tmp_path, shapes_root):
    """The real configs load with worker processes: the loader iterator that mmengine's loop
    opens (and prefetches from) and then drops must not leave the supervised stage without
    batches (an InfiniteSampler's shared index generator closed: the run spun for ever)."""
    proc = train(tmp_path / 'work', shapes_root, 'semi_data.num_workers=1',
                 'train_cfg.ratios=[1.0]', 'train_cfg.sup_iters=3', 'train_cfg.round_iters=2',
                 'default_hooks.checkpoint.interval=5', timeout=180)  # spinning: a failure
    log = proc.stdout + proc.stderr
    assert 'Iter(train) [3/5]' in log and 'Iter(train) [5/5]' in log, log[-2000:]


def visualised_run(tmp_path, data_root):
    """(work dir, log) of a one-round tiny run with the local and TensorBoard backends, whose
    round diverges (20x the LR): its score falls below the supervised stage's, the best
    stays."""
    config = tmp_path / 'vis.py'
    config.write_text(
        f"_base_ = '{REPO}/{SEMI_CONFIG}'\n"
        "train_cfg = dict(sup_iters=2, round_iters=2, val_interval=2, ratios=[0.5], "
        "round_lr_factor=20)\n"
        "visualizer = dict(type='SegLocalVisualizer', name='visualizer', vis_backends=["
        "dict(type='LocalVisBackend'), dict(type='TensorboardVisBackend')])\n")
    work_dir = tmp_path / 'work'
    proc = train(work_dir, data_root, config=str(config))
    return work_dir, proc.stdout + proc.stderr


def tensorboard_events(vis_dir):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    events = EventAccumulator(str(vis_dir), size_guidance={'scalars': 0, 'images': 0})
    events.Reload()
    return events


@pytest.mark.slow
def test_rounds_log_their_plan_result_and_pseudo_label_quality(tmp_path, shapes_root):
    import re
    from io import BytesIO

    import numpy as np
    from PIL import Image
    work_dir, log = visualised_run(tmp_path, shapes_root)
    # plans
    assert 'supervised stage starts: iterations 1-2 (2) on 10 labelled images' in log
    assert ('round 1/1 starts: pseudo-labels 30 unlabelled images at ratio 0.5 with the best '
            f'checkpoint so far {work_dir}/best_mIoU_iter_2.pth, then trains iterations 3-4 '
            '(2) on 10 labelled + 30 pseudo-labelled images') in log
    # results, from the stage ends' validations (iterations 2 and 4)
    sup, round_1 = map(float, re.findall(r'Iter\(val\) \[12/12\] .* mIoU: ([0-9.]+)', log))
    assert round_1 < sup  # the diverging round: a negative change, the best stays
    assert f'supervised stage done: val mIoU {sup:.2f}, best so far {sup:.2f}' in log
    assert (f'round 1/1 done: val mIoU {round_1:.2f} ({round_1 - sup:+.2f} vs supervised '
            f'stage), best so far {sup:.2f}') in log

    # the pass's report, in the log and in the visualiser's backends (step: iteration 2)
    pseudo = work_dir / 'round_1' / 'pseudo'
    report = json.load(open(pseudo / 'report.json'))
    classes = [row['cls'] for row in report['classes']]
    empty = [row['cls'] for row in report['classes'] if row['coverage'] == 0]
    assert empty  # the 2-iteration teacher predicts background only
    assert (f'WARNING - pseudo labels: no pixel labelled as {len(empty)} of {len(classes)} '
            f'classes ({", ".join(empty)})') in log
    assert 'pseudo labels: 30 images, ' in log and 'pseudo labels per class, pixels' in log
    [vis_dir] = glob(f'{work_dir}/*/vis_data')
    expected = {'pseudo/coverage': report['coverage'], 'pseudo/mIoU': report['miou'],
                'pseudo/precision': report['pixel_accuracy']}
    [scalars] = [record for record in map(json.loads, open(f'{vis_dir}/scalars.json'))
                 if 'pseudo/coverage' in record]
    assert scalars['step'] == 2
    assert {tag: scalars[tag] for tag in expected} == expected
    pixels = {c: scalars[f'pseudo/labelled_pixels/{c}'] for c in classes}
    assert [c for c in classes if pixels[c] == 0] == empty
    assert sum(pixels.values()) == sum(
        int((np.asarray(Image.open(p)) != 255).sum()) for p in glob(f'{pseudo}/*.png'))
    overlays = [np.asarray(Image.open(pseudo / 'overlays' / f'{k:02d}.png')) for k in (0, 1)]
    for k, overlay in enumerate(overlays):  # num_overlays=2 in the tiny config
        shown = np.asarray(Image.open(f'{vis_dir}/vis_image/pseudo_overlay_{k:02d}_2.png'))
        np.testing.assert_array_equal(shown, overlay)

    events = tensorboard_events(vis_dir)
    for tag, value in dict(expected, **{f'pseudo/labelled_pixels/{c}': n
                                        for c, n in pixels.items()}).items():
        [event] = events.Scalars(tag)
        assert event.step == 2 and event.value == pytest.approx(value, rel=1e-6), tag
    assert sorted(t for t in events.Tags()['images'] if 'pseudo' in t) == [
        'pseudo_overlay_00', 'pseudo_overlay_01']
    for k, overlay in enumerate(overlays):
        [event] = events.Images(f'pseudo_overlay_{k:02d}')
        shown = np.asarray(Image.open(BytesIO(event.encoded_image_string)).convert('RGB'))
        assert event.step == 2
        np.testing.assert_array_equal(shown, overlay)
