"""One protocol for every method's evidence: ``tools/benchmark/results.py``.

A :class:`Study` is one comparison of ``docs/results.md``: a method against the baseline its
paper compares with, on the procedural data, from the pretrained small backbones
(``tools/pretrain_backbones.py``), at equal budget, over seeds. Its runs are a
:class:`~mmnoisy.apis.demo.Demo`, trained and scored by the demo machinery, so a study is
resumable run by run (a finished run is never trained again) and every seed's table,
picture and logs are kept. :func:`summarise` reduces the seeds' ``results.json`` to mean,
spread, per-seed values and the method's difference to each other run;
:func:`write_results` writes the page, one figure per study, and copies the logs.
"""
import json
import os
import os.path as osp
import shutil
import statistics
from dataclasses import dataclass, replace
from typing import Dict, List, Sequence

from mmnoisy.utils.errors import UserError
from mmnoisy.utils.progress import format_duration
from .demo import (DEMOS, Demo, labelled_split, noisy_labels, pretrained_vit, run_demo,
                   seed_only, semi_split)

RESULTS_WORK_DIR = 'work_dirs/results'
PRETRAINED_R18 = 'configs/benchmark/deeplabv2_r18-d8-pretrained_1xb8-0.7k_shapes-cue-112x112-1-20.py'


@dataclass
class Study:
    """One comparison of the results page.

    Args:
        key (str): Its folder and anchor, e.g. ``'ssvt_scribble'``.
        method (str): The method's name, e.g. ``'SSVT'``.
        question (str): What the paper claims that this study checks, with its number.
        demo (Demo): The runs: the paper's baseline first, the method last.
        pretrained (tuple): The backbones it starts from (``'r18'``, ``'vit'``), checked
            before anything trains.
        options (tuple): ``key=value`` config changes of every run (e.g. points instead
            of scribbles).
        finding (str): What the measurement shows beyond the numbers (the ablation or
            measurement that explains a difference from the paper), once measured.
    """
    key: str
    method: str
    question: str
    demo: Demo
    pretrained: Sequence[str]
    options: Sequence[str] = ()
    finding: str = ''


def _dst_cbc(fraction: int) -> Demo:
    """The DST-CBC demo from the pretrained CNN on the 1/``fraction`` split."""
    demo = DEMOS['dst_cbc']
    runs = demo.runs
    return replace(
        demo, title=f'DST-CBC vs its supervised stage, 1/{fraction} labels, pretrained start',
        runs=dict(supervised=replace(runs['supervised'], config=PRETRAINED_R18,
                                     seed_options=labelled_split(fraction)),
                  longer=replace(runs['longer'], seed_options=lambda seed: [
                      *labelled_split(fraction)(seed), 'train_cfg.max_iters=400']),
                  dst_cbc=replace(runs['dst_cbc'], seed_options=semi_split(fraction))))


def _online() -> Demo:
    """The FixMatch / UniMatch demo from a supervised model trained from the pretrained
    CNN."""
    demo = DEMOS['unimatch']
    return replace(demo, title=demo.title + ', pretrained start',
                   runs=dict(demo.runs, supervised=replace(demo.runs['supervised'],
                                                           config=PRETRAINED_R18)))


SSVT_NOISY = 'configs/benchmark/linear_dinov2-tiny-{}_1xb8-0.5k_shapes-112x112_{}noisy-moderate.py'


def _ssvt_noisy_labels(data_root: str) -> None:
    pretrained_vit(data_root)
    noisy_labels(data_root)


def _ssvt_noisy() -> Demo:
    """The SSVT demo's three runs on the dense ``moderate`` noisy labels of the plain shapes
    data instead of scribbles."""
    demo = DEMOS['ssvt']
    runs = {key: replace(run, config=SSVT_NOISY.format(variant, prefix),
                         seed_options=seed_only)
            for (key, run), (variant, prefix) in zip(
                demo.runs.items(), [('tuned', ''), ('random-frozen', ''), ('frozen', 'ssvt-')])}
    return replace(demo, title='SSVT vs the same ViT fine-tuned end to end, on the moderate '
                   'noisy labels of 1000 images', runs=runs, prepare=_ssvt_noisy_labels)


STUDIES: Dict[str, Study] = {study.key: study for study in (
    Study('dst_cbc_1-20', 'DST-CBC',
          'a self-training round on the unlabelled images beats the supervised model it '
          'starts from (paper Table 2: +4.4 to +7.4 mIoU on VOC at 1/20 to 1/8)',
          _dst_cbc(20), pretrained=('r18', ),
          finding='The round gains over its start in every seed, but no more than the same '
          '400 iterations of supervised training (+0.00 on average, ahead in 2 of 3): the '
          'pretrained start lifts the supervised model from 61.54 (from scratch, the demo\'s 3 '
          'seeds) to 67.09, and at this score the colour-cue data leaves the pseudo labels '
          'little to add. Measuring pseudo-label precision per round at this start is next.'),
    Study('dst_cbc_1-8', 'DST-CBC', 'as above, with 1/8 of the labels',
          _dst_cbc(8), pretrained=('r18', )),
    Study('unimatch_1-20', 'UniMatch',
          'online weak-to-strong consistency on the unlabelled images beats supervised '
          'training on the labelled ones alone, and UniMatch beats FixMatch (the UniMatch '
          'paper\'s claims; README: 75.2 mIoU on VOC with 92 labels)',
          _online(), pretrained=('r18', )),
    Study('ssvt_scribble', 'SSVT',
          'a frozen pretrained ViT under a linear head learns more from imperfect labels '
          'than the same ViT tuned end to end (paper Table 4: 71.2 frozen vs 64.5 tuned)',
          DEMOS['ssvt'], pretrained=('vit', ),
          finding='The CPU ViT is pretrained *with labels* on the procedural corpus (a '
          'self-supervised objective did not fit the budget, docs/pretrained.md), and for '
          'classification-pretrained backbones the paper itself finds freezing no better than '
          'tuning (Table 4: DeepLabV1 64.6 vs 64.5, SegFormer 63.6 vs 65.2); its gain belongs '
          'to self-supervised DINOv2 features. Scribbles are also sparse but correct: there is '
          'little label error for tuning to fit. Pretraining itself is what the frozen head '
          'reads: the random frozen ViT predicts background everywhere (8.98 in every seed). '
          'Study ssvt_noisy puts the same runs on dense noisy labels.'),
    Study('ssvt_noisy', 'SSVT',
          'as above, on dense noisy labels (the moderate tier), the setting of Table 4 '
          '(SEAM pseudo labels), where tuning is said to bias the backbone towards the '
          'label errors', _ssvt_noisy(), pretrained=('vit', ),
          finding='Tuning stays ahead on noisy labels too (-0.40, 0 of 3 seeds), by half the '
          'scribble gap: the premise (a self-supervised backbone whose features the label '
          'errors would bias) does not hold for this supervised-pretrained ViT; see '
          'ssvt_scribble.'),
    Study('ssvt_point', 'SSVT', 'as above, on one point per object instead of scribbles',
          DEMOS['ssvt'], pretrained=('vit', ),
          options=('train_dataloader.dataset.pipeline.2.mode=point', )),
)}


def check_backbones(studies: Sequence[Study]) -> None:
    """Refuse to start on a missing or mismatched pretrained backbone (naming the command
    that makes it)."""
    from .pretrained import check_pretrained, checkpoint_path, expected_meta
    for model in sorted({model for study in studies for model in study.pretrained}):
        check_pretrained(checkpoint_path(model), expected_meta(model))


def run_study(study: Study, seeds: Sequence[int], train_script: str,
              work_dir: str = RESULTS_WORK_DIR) -> List[dict]:
    """Train and score the study's runs for each seed (resuming); each seed's summary."""
    return [run_demo(study.key, train_script, seed, osp.join(work_dir, study.key, f'seed{seed}'),
                     study.options, demo=study.demo)
            for seed in seeds]


def _mean_std(values: Sequence[float]) -> str:
    spread = statistics.stdev(values) if len(values) > 1 else 0.0
    return f'{statistics.mean(values):.2f} ± {spread:.2f}'


def summarise(study: Study, seeds_results: Sequence[dict]) -> dict:
    """Mean, spread and per-seed mIoU of each run, the method's difference to each other
    run (mean and per seed, how many seeds it is ahead) and each run's mean wall time."""
    if not seeds_results:
        raise UserError(f'study {study.key}: no seed has results')
    keys = list(study.demo.runs)
    method = keys[-1]
    miou = {key: [r['runs'][key]['mIoU'] for r in seeds_results] for key in keys}
    runs = {key: dict(name=study.demo.runs[key].name, mIoU=miou[key],
                      mean=round(statistics.mean(miou[key]), 2),
                      std=round(statistics.stdev(miou[key]), 2) if len(miou[key]) > 1 else 0.0,
                      wall_seconds=round(statistics.mean(
                          r['runs'][key]['wall_seconds'] for r in seeds_results), 1))
            for key in keys}
    differences = {}
    for key in keys[:-1]:
        per_seed = [round(m - b, 2) for m, b in zip(miou[method], miou[key])]
        differences[key] = dict(per_seed=per_seed, mean=round(statistics.mean(per_seed), 2),
                                ahead=sum(d > 0 for d in per_seed))
    return dict(key=study.key, method=study.method, seeds=[r['seed'] for r in seeds_results],
                runs=runs, differences=differences,
                verdict=verdict(differences[keys[0]]),
                total_seconds=round(sum(r['total_seconds'] for r in seeds_results), 1))


def verdict(difference: dict) -> str:
    """Whether the method beats the paper's baseline: in every seed, on average only, or
    not."""
    seeds = len(difference['per_seed'])
    if difference['mean'] > 0 and difference['ahead'] == seeds:
        return f'reproduced: ahead in all {seeds} seeds'
    if difference['mean'] > 0:
        return f'mixed: ahead on average, in {difference["ahead"]} of {seeds} seeds'
    return f'not reproduced: behind on average, ahead in {difference["ahead"]} of {seeds} seeds'


def draw_study(summary: dict, path: str) -> None:
    """Each run's mean mIoU as a bar, its seeds as dots."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    runs = list(summary['runs'].values())
    fig, ax = plt.subplots(figsize=(1.8 + 1.6 * len(runs), 3.4))
    for x, run in enumerate(runs):
        ax.bar(x, run['mean'], yerr=run['std'], capsize=4, alpha=0.7)
        ax.plot([x] * len(run['mIoU']), run['mIoU'], 'k.', markersize=8)
    ax.set_xticks(range(len(runs)), [run['name'] for run in runs], rotation=12, fontsize=8)
    ax.set_ylabel('val mIoU (%)')
    ax.set_title(f'{summary["key"]}: {summary["verdict"]}', fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _anchor(heading: str) -> str:
    """The anchor GitHub gives a markdown heading."""
    kept = ''.join(c for c in heading.lower() if c.isalnum() or c in ' -_')
    return kept.replace(' ', '-')


def _heading(study: Study) -> str:
    return f'{study.key}: {study.method}'


def study_section(study: Study, summary: dict, figure: str, logs: str) -> str:
    """The study's part of the results page (markdown)."""
    keys = list(summary['runs'])
    seeds = summary['seeds']
    lines = [f'## {_heading(study)}', '',
             f'**Question.** {study.question}.', '',
             f'**Runs.** {study.demo.title}; seeds {", ".join(map(str, seeds))}. '
             f'Configs: ' + ', '.join(f'`{study.demo.runs[k].config}`' for k in keys)
             + (f'; options `{" ".join(study.options)}`' if study.options else '') + '.', '',
             '| run | mIoU mean ± std | per seed | method - run (per seed) | seeds ahead '
             '| wall time (mean) |', '| --- | ---: | --- | --- | ---: | ---: |']
    for key in keys:
        run = summary['runs'][key]
        diff = summary['differences'].get(key)
        lines.append(
            f'| {run["name"]} | {_mean_std(run["mIoU"])} | '
            + ', '.join(f'{v:.2f}' for v in run['mIoU']) + ' | '
            + (f'{diff["mean"]:+.2f} (' + ', '.join(f'{d:+.2f}' for d in diff['per_seed'])
               + ')' if diff else 'the method') + ' | '
            + (f'{diff["ahead"]}/{len(seeds)}' if diff else '') + ' | '
            + format_duration(run['wall_seconds']) + ' |')
    lines += ['', f'**Verdict** (method vs {summary["runs"][keys[0]]["name"]}): '
              f'{summary["verdict"]}.']
    if study.finding:
        lines += ['', f'**Why.** {study.finding}']
    lines += ['', f'![{study.key}]({figure})', '', f'Logs: `{logs}`.', '']
    return '\n'.join(lines)


def keep_logs(study: Study, work_dir: str, seeds: Sequence[int], logs_dir: str) -> None:
    """Copy each seed's table and run logs next to the page (work_dirs/ is not kept)."""
    for seed in seeds:
        source = osp.join(work_dir, study.key, f'seed{seed}')
        target = osp.join(logs_dir, study.key, f'seed{seed}')
        os.makedirs(target, exist_ok=True)
        for name in ['results.md', 'results.json',
                     *(f'{key}.log' for key in study.demo.runs)]:
            if osp.isfile(osp.join(source, name)):
                shutil.copyfile(osp.join(source, name), osp.join(target, name))


def write_results(studies: Sequence[Study], seeds: Sequence[int], page: str,
                  command: str, work_dir: str = RESULTS_WORK_DIR) -> Dict[str, dict]:
    """Write the results page from every study with results for all ``seeds``; each
    study's summary. Studies not yet run are listed as such, with their command."""
    root = osp.dirname(page) or '.'
    figures, logs = osp.join(root, 'results'), osp.join(root, 'logs', 'results')
    os.makedirs(figures, exist_ok=True)
    summaries, sections, pending = {}, [], []
    for study in studies:
        found = [osp.join(work_dir, study.key, f'seed{seed}', 'results.json')
                 for seed in seeds]
        if not all(osp.isfile(path) for path in found):
            pending.append(study.key)
            continue
        results = []
        for path in found:
            with open(path) as f:
                results.append(json.load(f))
        summary = summaries[study.key] = summarise(study, results)
        figure = osp.join(figures, f'{study.key}.png')
        draw_study(summary, figure)
        keep_logs(study, work_dir, seeds, logs)
        sections.append(study_section(study, summary, osp.relpath(figure, root),
                                      osp.relpath(osp.join(logs, study.key), root)))
    with open(osp.join(figures, 'summary.json'), 'w') as f:
        json.dump(summaries, f, indent=1)
    total = sum(s['total_seconds'] for s in summaries.values())
    by_key = {study.key: study for study in studies}
    head = ['# Results: every method against its paper\'s baseline, one protocol', '',
            'Written by `' + command + '`. Every study starts from the pretrained small '
            'backbones (docs/pretrained.md), trains each run from the same start at the '
            'budget stated in its configs, scores the last checkpoint on the procedural val '
            'images, and repeats over seeds (the seed also draws the split or the sparse '
            'labels). A finished run is never trained again: rerunning the command '
            'completes what is missing and rewrites this page.', '',
            f'Training and scoring time of the studies below: {format_duration(total)} '
            '(the sum of each seed\'s demo wall time, 2 CPU cores).', '',
            '| study | method | verdict vs the paper\'s baseline | method - baseline |',
            '| --- | --- | --- | ---: |']
    for key, summary in summaries.items():
        first = next(iter(summary['differences'].values()))
        head.append(f'| [{key}](#{_anchor(_heading(by_key[key]))}) | '
                    f'{summary["method"]} | {summary["verdict"]} | {first["mean"]:+.2f} |')
    if pending:
        head += ['', 'Not run yet (`' + command.split(' --')[0] + ' --study KEY`): '
                 + ', '.join(f'`{key}`' for key in pending) + '.']
    with open(page, 'w') as f:
        f.write('\n'.join(head) + '\n\n' + '\n'.join(sections))
    return summaries
