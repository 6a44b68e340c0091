"""tools/benchmark/results.py: the studies' definitions, the summary over seeds (checked
against hand-computed values), the page it writes, and its refusals through the real tool."""
import copy
import json
import os
import os.path as osp

import pytest
from mmengine.config import Config

from conftest import REPO, run_tool_main
from mmnoisy.apis.demo import _as_dict
from mmnoisy.apis.results import (ADELE_EPOCHS, STUDIES, Study, summarise, verdict,
                                  write_results)

TOOL = 'tools/benchmark/results.py'


def seed_result(seed, miou, walls=(60.0, 90.0, 30.0)):
    """A demo's results.json for the SSVT study's random, tuned and SSVT runs."""
    keys = ['random', 'tuned', 'ssvt']
    return dict(seed=seed, total_seconds=200.0,
                runs={key: dict(mIoU=value, wall_seconds=wall)
                      for key, value, wall in zip(keys, miou, walls)})


def test_summary_over_seeds_by_hand():
    study = STUDIES['ssvt_scribble']
    summary = summarise(study, [seed_result(0, (10.0, 40.0, 50.0)),
                                seed_result(1, (12.0, 44.0, 42.0)),
                                seed_result(2, (11.0, 39.0, 45.5))])
    tuned = summary['runs']['tuned']
    assert tuned['mIoU'] == [40.0, 44.0, 39.0]
    assert tuned['mean'] == 41.0  # (40 + 44 + 39) / 3
    assert tuned['std'] == pytest.approx(2.65, abs=0.005)  # sqrt((1 + 9 + 4) / 2)
    assert summary['differences']['random'] == dict(per_seed=[40.0, 30.0, 34.5], mean=34.83,
                                                    ahead=3)
    assert summary['differences']['tuned'] == dict(per_seed=[10.0, -2.0, 6.5], mean=4.83,
                                                   ahead=2)
    # the verdict is against the paper's baseline, the first run (tuned), not the reference
    assert summary['verdict'] == 'mixed: ahead on average, in 2 of 3 seeds'
    assert summary['train_seconds'] == 540.0  # 3 seeds x (60 + 90 + 30) s of training


def test_verdict_is_against_the_study_baseline():
    """Zhu et al.'s claim is centroid vs random sampling: the teacher is trained first but
    is not the baseline."""
    study = STUDIES['zhu_1-8']
    results = [dict(seed=seed, total_seconds=1.0,
                    runs={key: dict(mIoU=miou, wall_seconds=1.0) for key, miou in zip(
                        study.demo.runs, (60.0, 70.0 + seed, 71.0, 69.0))})
               for seed in range(3)]
    summary = summarise(study, results)
    assert summary['baseline'] == 'random'
    # centroid - random: -1, -2, -3; centroid - teacher: +9 in every seed
    assert summary['differences']['random']['per_seed'] == [-1.0, -2.0, -3.0]
    assert summary['verdict'] == 'not reproduced: behind on average, ahead in 0 of 3 seeds'


@pytest.mark.parametrize('per_seed,expected', [
    ([1.0, 2.0, 0.5], 'reproduced: ahead in all 3 seeds'),
    ([3.0, -1.0, 1.0], 'mixed: ahead on average, in 2 of 3 seeds'),
    ([-3.0, 1.0, 1.0], 'not reproduced: behind on average, ahead in 2 of 3 seeds'),
    ([0.0, 0.0, 0.0], 'not reproduced: behind on average, ahead in 0 of 3 seeds'),
])
def test_verdict(per_seed, expected):
    mean = round(sum(per_seed) / len(per_seed), 2)
    assert verdict(dict(per_seed=per_seed, mean=mean,
                        ahead=sum(d > 0 for d in per_seed))) == expected


def test_page_lists_finished_studies_and_names_the_pending_ones(tmp_path):
    work_dir = tmp_path / 'runs'
    values = [(10.0, 40.0, 50.0), (12.0, 44.0, 42.0), (11.0, 39.0, 45.5)]
    for seed, miou in enumerate(values):
        run_dir = work_dir / 'ssvt_scribble' / f'seed{seed}'
        run_dir.mkdir(parents=True)
        (run_dir / 'results.json').write_text(json.dumps(seed_result(seed, miou)))
        (run_dir / 'ssvt.log').write_text(f'log of seed {seed}')
        # a self-training round's pseudo-label report is kept with the logs
        report = run_dir / 'ssvt' / 'round_1' / 'pseudo' / 'report.json'
        report.parent.mkdir(parents=True)
        report.write_text(json.dumps(dict(seed=seed)))
        # a measurement made on the seed's runs afterwards is kept too
        (run_dir / 'ssvt_label_quality.md').write_text(f'quality of seed {seed}')
        confident = run_dir / 'ssvt_confidence'  # pseudo_label.py --threshold: the report only
        confident.mkdir()
        for name in ('report.json', 'train_00000.png'):
            (confident / name).write_text(f'{name} of seed {seed}')
    # one seed only: not a result yet
    partial = work_dir / 'ssvt_point' / 'seed0'
    partial.mkdir(parents=True)
    (partial / 'results.json').write_text(json.dumps(seed_result(0, values[0])))
    page = tmp_path / 'docs' / 'results.md'
    page.parent.mkdir()
    summaries = write_results(list(STUDIES.values()), [0, 1, 2], str(page),
                              'python tools/benchmark/results.py --seeds 0 1 2', str(work_dir))
    assert list(summaries) == ['ssvt_scribble']
    text = page.read_text()
    assert '| pretrained ViT, tuned | 41.00 ± 2.65 | 40.00, 44.00, 39.00 | +4.83 ' \
           '(+10.00, -2.00, +6.50) | 2/3 | 1:30 |' in text
    assert '[ssvt_scribble](#ssvt_scribble-ssvt)' in text and '## ssvt_scribble: SSVT' in text
    assert 'Training time of the studies below: 9:00, the sum of every run' in text  # 3 x 180 s
    # each run's config and options, the seed's part as <seed> (it also draws the scribbles)
    assert ('- SSVT: pretrained ViT, frozen: `configs/demo/linear_dinov2-tiny-frozen_1xb8-0.5k_'
            'shapes-112x112_ssvt-scribble.py` `randomness.seed=<seed> '
            'train_dataloader.dataset.pipeline.2.seed=<seed>`\n') in text
    assert 'Not run yet' in text and '`ssvt_point`' in text and '`dst_cbc_1-20`' in text
    assert (tmp_path / 'docs' / 'results' / 'ssvt_scribble.png').stat().st_size > 0
    assert (tmp_path / 'docs/logs/results/ssvt_scribble/seed2/ssvt.log').read_text() == \
        'log of seed 2'
    kept = tmp_path / 'docs/logs/results/ssvt_scribble/seed1/ssvt/round_1/pseudo/report.json'
    assert json.loads(kept.read_text()) == dict(seed=1)
    assert (tmp_path / 'docs/logs/results/ssvt_scribble/seed0/ssvt_label_quality.md'
            ).read_text() == 'quality of seed 0'
    kept = tmp_path / 'docs/logs/results/ssvt_scribble/seed1/ssvt_confidence'
    assert os.listdir(kept) == ['report.json']
    assert (kept / 'report.json').read_text() == 'report.json of seed 1'


def test_studies_configs_and_seed_options_apply():
    """Every study's config builds with its seed's options; the seed reaches the sparse
    labels (pipeline step 2) and the split, and a study's options are applied."""
    parsed = {}  # many runs share a config: parse each once

    def load(config):
        if config not in parsed:
            parsed[config] = Config.fromfile(osp.join(REPO, config))
        return copy.deepcopy(parsed[config])

    for study in STUDIES.values():
        assert isinstance(study, Study) and study.pretrained
        for run in study.demo.runs.values():
            cfg = load(run.config)
            cfg.merge_from_dict(_as_dict([*run.seed_options(1), *study.options]))
            assert cfg.randomness.seed == 1
            if study.method == 'ADELE':
                tier = study.key[len('adele_'):]
                dataset = cfg.train_dataloader.dataset.dataset
                assert dataset.data_prefix.seg_map_path == f'SegmentationClassNoisy_{tier}'
                assert cfg.train_cfg.max_epochs == cfg.param_scheduler[1].end == ADELE_EPOCHS
                assert 'pretrained' in cfg.model.backbone.init_cfg.checkpoint
                hook = cfg.custom_hooks[0]
                assert hook.get('correct', True) is run.name.startswith('ADELE')
                relaxed = 'class_constraint=False' in run.name
                assert hook.get('class_constraint', True) is not relaxed
                assert hook.get('temperature', 3.0) == (1 if 'temperature=1' in run.name else 3.0)
                losses = cfg.model.decode_head.loss_decode
                assert isinstance(losses, list) is (run.name != 'plain CE')
            elif study.key == 'ssvt_noisy':
                dataset = cfg.train_dataloader.dataset
                assert dataset.data_prefix.seg_map_path == 'SegmentationClassNoisy_moderate'
                assert 'SynthSparseLabels' not in [t.type for t in dataset.pipeline]
            elif study.method == 'SSVT':
                step = cfg.train_dataloader.dataset.pipeline[2]
                assert step.type == 'SynthSparseLabels' and step.seed in (1, '1')
                assert step.mode == ('point' if study.key == 'ssvt_point' else 'scribble')
            elif run.start_from and 'sup_iters' in cfg.train_cfg:  # a round from a loaded model
                assert cfg.semi_data.dataset.data_root == study.demo.data_root
                fraction = study.key.split('_')[-1].split('-')[1]
                assert cfg.semi_data.unlabeled_split.endswith(f'{fraction}_unlabeled_1.txt')
                assert cfg.train_cfg.sup_iters == 0 and cfg.train_cfg.ratios == [
                    0.8 if study.method == 'DST-CBC' else 1.0]
                assert cfg.train_cfg.round_iters == run.iters
    ladder = STUDIES['simple_baseline_1-8'].demo.runs
    models = {key: load(run.config).model
              for key, run in ladder.items() if key not in ('supervised', 'longer')}
    assert [m.get('dsbn', False) for m in models.values()] == [False] * 3 + [True] * 3
    assert [m.unsup_loss.type for m in models.values()] == [
        'CrossEntropyLoss'] * 4 + ['SelfCorrectionLoss'] * 2
    # the rungs after s.t. copy its labels; +iter. is a second round from +SCL
    assert [(r.start_from, r.labels_from) for r in ladder.values()][2:] == [
        ('supervised', None), *[('supervised', 'st')] * 4, ('scl', None)]
    # the hue-kept ablation differs from +SDA only in its pool of ops
    sda, keep_hue = (load(ladder[key].config).semi_data.strong_transforms
                     for key in ('sda', 'sda_keep_hue'))
    assert sda[0].get('ops') is None and len(keep_hue[0].ops) == 9
    online = STUDIES['unimatch_1-20'].demo.runs
    assert list(online)[0] == 'supervised' and list(online)[-1] == 'unimatch'
    for key in ('fixmatch', 'unimatch'):
        released, kept = (load(online[k].config).semi_data.strong_views
                          for k in (key, f'{key}_keep_hue'))
        assert 'transforms' not in released  # StrongViews' default: the released views
        assert [t.get('hue') for t in kept.transforms] == [0.0, None]  # jitter, blur
    for key, run in STUDIES['zhu_1-8'].demo.runs.items():
        cfg = load(run.config)
        cfg.merge_from_dict(_as_dict(run.seed_options(1)))
        if key != 'supervised':  # labelled by the model it loads: the teacher
            assert cfg.train_cfg.teacher is None and run.start_from == 'supervised'
            assert cfg.semi_data.source_ratio == (1, 7)
    supervised = STUDIES['dst_cbc_1-8'].demo.runs['supervised']
    assert 'ImageSets/Segmentation/8_labeled_2.txt' in ' '.join(supervised.seed_options(2))
    assert 'pretrained' in supervised.config


def repo_without_checkpoints(tmp_path, monkeypatch):
    """A working directory that looks like the repository root, without checkpoints."""
    for name in ('configs', 'tools'):
        (tmp_path / name).symlink_to(osp.join(REPO, name))
    monkeypatch.chdir(tmp_path)


def test_tool_refuses_a_missing_backbone(tmp_path, capsys, monkeypatch):
    repo_without_checkpoints(tmp_path, monkeypatch)
    code, out, err = run_tool_main(TOOL, '--study', 'ssvt_scribble', '--seeds', '0',
                                   capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2
    assert 'checkpoints/pretrained/dinov2-tiny_pretrain-shapes.pth does not exist' in err
    assert '`python tools/pretrain_backbones.py --model vit`' in err
    assert 'Traceback' not in err and not (tmp_path / 'work_dirs').exists()


def test_tool_refuses_a_backbone_of_another_recipe(tmp_path, capsys, monkeypatch):
    from mmnoisy.apis.pretrained import checkpoint_path, expected_meta
    from mmnoisy.engine.checkpoint import save_backbone_checkpoint
    repo_without_checkpoints(tmp_path, monkeypatch)
    meta = dict(expected_meta('vit'), iters=100, hash='0' * 16)
    save_backbone_checkpoint(checkpoint_path('vit'), {}, meta)
    code, out, err = run_tool_main(TOOL, '--study', 'ssvt_point', capsys=capsys,
                                   monkeypatch=monkeypatch)
    assert code == 2 and 'was not made as the benchmark expects' in err
    assert 'iters' in err and '--overwrite' in err and 'Traceback' not in err


def test_tool_must_run_from_the_repository_root(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_tool_main(TOOL, '--list', capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2 and 'from the repository root' in err


@pytest.mark.parametrize('args,message', [
    (['--study', 'ssvt'], 'unknown study ssvt; choose from dst_cbc_1-20'),
    (['--seeds', '0', '3'], '--seeds must be distinct values among 0, 1, 2'),
    (['--seeds', '1', '1'], '--seeds must be distinct values among 0, 1, 2'),
])
def test_tool_refuses_bad_arguments(args, message, tmp_path, capsys, monkeypatch):
    repo_without_checkpoints(tmp_path, monkeypatch)
    code, out, err = run_tool_main(TOOL, *args, capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2 and message in err and 'Traceback' not in err


CORRECTABILITY = 'tools/benchmark/adele_correctability.py'


@pytest.mark.parametrize('args,message', [
    (['--epochs', '5', '7'], '--epochs must be multiples of 5 up to 60, got [7]'),
    (['--epochs', '65'], 'got [65]'),
    ([], 'deeplabv2-r18-d8_pretrain-shapes.pth does not exist'),
    (['--work-dir', 'data/shapes_cue/out'], 'lies inside the input folder data/shapes_cue'),
    (['--work-dir', 'configs'], 'is not empty and was not written by adele_correctability'),
    (['--work-dir', 'tools/train.py'], 'is a file, not a folder'),
])
def test_correctability_refuses_before_training(args, message, tmp_path, capsys,
                                                monkeypatch):
    repo_without_checkpoints(tmp_path, monkeypatch)
    code, out, err = run_tool_main(CORRECTABILITY, *args, capsys=capsys,
                                   monkeypatch=monkeypatch)
    assert code == 2 and message in err and 'Traceback' not in err
    assert not (tmp_path / 'work_dirs').exists() and not (tmp_path / 'data').exists()


def test_correctability_update_set_follows_the_triggers(tmp_path):
    """The pass after epoch k corrects with the classes triggered at 0-based epochs < k,
    and does not run before any has triggered."""
    import runpy
    tool = runpy.run_path(osp.join(REPO, CORRECTABILITY))
    (tmp_path / 'adele_curves.json').write_text(json.dumps(dict(triggered={'3': 4, '1': 9})))
    assert tool['triggered_by'](str(tmp_path), 4) == []
    assert tool['triggered_by'](str(tmp_path), 5) == [0, 3]
    assert tool['triggered_by'](str(tmp_path), 10) == [0, 1, 3]
