"""GPU readiness: every method family's tiny config with AMP, one DDP process, one summary.

    bash tools/benchmark/gpu_check.sh [--iters 300] [--out work_dirs/gpu_check]
    python tools/benchmark/gpu_check.py --device cpu --iters 2 --only supervised  # CPU logic
    python tools/benchmark/gpu_check.py --dry-run  # print the commands, run nothing

Generates the procedural shapes data (``tools/generate_demo_data.py``, ``--num-train`` train
images) and ADELE's noisy labels (``tools/synth_noise.py``) under ``OUT/data``, then trains
each run below through the real ``tools/train.py`` with ``--amp``, one after the other, with
``--cfg-options`` that shrink its schedule to about ``--iters`` iterations:

- ``supervised``: the demo DeepLab-v2 (plain supervised);
- ``dst_cbc``, ``simple_baseline``: half the iterations in the supervised stage, the rest
  shared by the config's rounds (each pseudo-labels the unlabelled images first);
- ``self_training_teacher`` then ``self_training_student`` (Zhu et al.; the student reads
  the teacher run's last checkpoint, so selecting the student runs the teacher too);
- ``adele``: the ADELE demo on ``moderate`` noisy labels, >= 2 epochs of the first train
  images;
- ``ssvt_frozen``, ``ssvt_tuned``: the SSVT DINOv2 ViT-S/14 linear probe, backbone frozen,
  and trained (``model.backbone.frozen=False``);
- ``ddp``: the demo config again under ``torchrun --nproc_per_node 1 ... --launcher pytorch``
  (NCCL on CUDA, gloo on CPU).

Per run, from its captured output (``OUT/logs/<run>.log``): pass/fail (exit code and the last
error line), the iterations, the median train step time (mmengine's ``time:`` of the
``Iter(train)`` lines, logged per iteration: ``log_processor.window_size=1``) and the peak GPU
memory (the largest ``memory:`` field, MB; mmengine logs it on CUDA only). Writes
``OUT/summary.json`` and ``OUT/summary.md`` (printed at the end); exits 1 if any run failed.
Without CUDA it stops with one ``error:`` line (exit 2) unless ``--device cpu``, which runs
the same orchestration on CPU without AMP and with in-process data loading (for CI).
"""
import argparse
import json
import math
import os
import os.path as osp
import platform
import re
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
BATCH = 8  # the shapes configs' batch size
NUM_CLASSES = 9  # the procedural shapes data: background + 8 shapes
NOISY_DIR = 'SegmentationClassNoisy_moderate'  # ADELE's config reads this label folder
TRAIN_LIST = 'ImageSets/Segmentation/train.txt'
MIN_TRAIN = 20  # DST-CBC's 1/20 split of the generated data holds one labelled image
STUDENT_CONFIG = ('configs/self_training/'
                  'deeplabv2_r18-d8_1xb8-0.3k_shapes-112x112_self-training-1-8-student-7-1-cs.py')


@dataclass(frozen=True)
class Family:
    """One run of the check: a config and how its schedule is shrunk.

    Args:
        family (str): The method family, as the summary shows it.
        config (str): Config path relative to the repo root.
        kind (str): How the schedule is shrunk: ``iter`` (IterBasedTrainLoop with warm-up
            and poly schedulers), ``poly`` (IterBasedTrainLoop, one poly scheduler), ``semi``
            (SelfTrainingLoop), ``student`` (SelfTrainingLoop from a teacher) or ``adele``
            (EpochBasedTrainLoop).
        rounds (int): Self-training rounds of the config (``len(train_cfg.ratios)``).
        extra (tuple): Further ``--cfg-options`` of this run.
        ddp (bool): Launch through torchrun with one process.
        needs (str, optional): The run whose checkpoint this one starts from.
    """
    family: str
    config: str
    kind: str
    rounds: int = 0
    extra: Tuple[str, ...] = ()
    ddp: bool = False
    needs: Optional[str] = None


DEMO = 'configs/demo/deeplabv2_r18-d8_1xb8-1.2k_shapes-112x112.py'
SSVT = 'configs/ssvt/linear_dinov2-vits14-random_1xb8-0.6k_shapes-112x112_ssvt-scribble.py'
FAMILIES: Dict[str, Family] = {
    'supervised': Family('supervised (demo)', DEMO, 'iter'),
    'dst_cbc': Family(
        'DST-CBC',
        'configs/dst_cbc/deeplabv2_r18-d8_1xb8-5rounds_shapes-112x112_dst-cbc-1-20.py',
        'semi', rounds=5),
    'simple_baseline': Family(
        'Simple Baseline', 'configs/simple_baseline/'
        'deeplabv2_r18-d8_1xb8-2rounds_shapes-112x112_simple-baseline-1-8.py',
        'semi', rounds=2),
    'self_training_teacher': Family(
        'Zhu et al. teacher', 'configs/self_training/'
        'deeplabv2_r18-d8_1xb8-0.4k_shapes-112x112_self-training-1-8-teacher.py', 'iter'),
    'self_training_student': Family('Zhu et al. student', STUDENT_CONFIG, 'student',
                                    rounds=1, needs='self_training_teacher'),
    'adele': Family(
        'ADELE',
        'configs/adele/deeplabv2_r18-d8_1xb8-12e_shapes-112x112_adele-noisy-moderate.py',
        'adele'),
    'ssvt_frozen': Family('SSVT DINOv2 frozen', SSVT, 'poly'),
    'ssvt_tuned': Family('SSVT DINOv2 trained', SSVT, 'poly',
                         extra=('model.backbone.frozen=False', )),
    'ddp': Family('supervised, DDP 1 process', DEMO, 'iter', ddp=True),
}


@dataclass
class Run:
    """A planned training run.

    Args:
        name (str): Key of :data:`FAMILIES`.
        family (Family): What it trains.
        work_dir (str): Its work dir.
        options (list): Its ``--cfg-options``.
    """
    name: str
    family: Family
    work_dir: str
    options: List[str] = field(default_factory=list)


# ------------------------------------------------------------------------- planning
def data_root_options(kind: str, root: str) -> List[str]:
    """Point a config's dataloaders at ``root``.

    Args:
        kind (str): The family's kind (see :class:`Family`).
        root (str): The procedural data root.
    """
    if kind in ('semi', 'student'):  # every loader derives from semi_data
        return [f'semi_data.dataset.data_root={root}']
    train = 'train_dataloader.dataset.dataset' if kind == 'adele' else 'train_dataloader.dataset'
    return [f'{train}.data_root={root}', f'val_dataloader.dataset.data_root={root}',
            f'test_dataloader.dataset.data_root={root}']


def in_process_loading_options(kind: str) -> List[str]:
    """Load the data in the training process (CPU mode: no worker start-up).

    Args:
        kind (str): The family's kind (see :class:`Family`).
    """
    loaders = ['semi_data' if kind in ('semi', 'student') else 'train_dataloader',
               'val_dataloader']
    return [f'{loader}.{key}' for loader in loaders
            for key in ('num_workers=0', 'persistent_workers=False')]


def warmup_iters(iters: int) -> int:
    """The linear warm-up of the demo's schedule (50 iterations), shrunk with it."""
    return max(1, min(50, iters // 5))


def stage_iters(iters: int, rounds: int) -> List[int]:
    """Iterations of a self-training schedule: half in the supervised stage, half shared by
    the rounds (at least one each).

    Args:
        iters (int): Total iterations wanted.
        rounds (int): Self-training rounds.

    Returns:
        list[int]: ``[supervised, per round]``.
    """
    per_round = max(1, iters // (2 * rounds))
    return [max(1, iters - rounds * per_round), per_round]


def adele_schedule(iters: int, train_images: int, min_epochs: int = 2) -> List[int]:
    """ADELE decides per epoch: at least ``min_epochs`` epochs of the first train images.

    Args:
        iters (int): Total iterations wanted.
        train_images (int): Train images available.
        min_epochs (int): Fewest epochs.

    Returns:
        list[int]: ``[epochs, iterations per epoch]`` (``BATCH`` images per iteration).
    """
    per_epoch = max(1, min(math.ceil(iters / min_epochs), train_images // BATCH))
    return [max(min_epochs, round(iters / per_epoch)), per_epoch]


def schedule_options(family: Family, iters: int, train_images: int,
                     adele_list: str) -> List[str]:
    """``--cfg-options`` that shrink one config's schedule to about ``iters`` iterations.

    Args:
        family (Family): The run's config and kind.
        iters (int): Total iterations wanted.
        train_images (int): Train images of the generated data.
        adele_list (str): Where ADELE's train list (its first images) is written.
    """
    checkpoint = f'default_hooks.checkpoint.interval={iters}'
    if family.kind in ('iter', 'poly'):
        options = [f'train_cfg.max_iters={iters}', f'train_cfg.val_interval={iters}', checkpoint]
        if family.kind == 'poly':
            return options + [f'param_scheduler.0.end={iters}']
        warmup = warmup_iters(iters)
        return options + [f'param_scheduler.0.end={warmup}', f'param_scheduler.1.begin={warmup}',
                          f'param_scheduler.1.end={iters}']
    if family.kind == 'semi':
        sup, per_round = stage_iters(iters, family.rounds)
        return [f'train_cfg.sup_iters={sup}', f'train_cfg.round_iters={per_round}',
                f'train_cfg.val_interval={iters}', checkpoint]
    if family.kind == 'student':
        return [f'train_cfg.round_iters={iters}', f'train_cfg.val_interval={iters}', checkpoint]
    if family.kind == 'adele':
        epochs, per_epoch = adele_schedule(iters, train_images)
        return [f'train_dataloader.dataset.dataset.ann_file={adele_list}',
                f'train_cfg.max_epochs={epochs}', f'train_cfg.val_interval={epochs}',
                f'param_scheduler.1.end={epochs}',
                f'custom_hooks.0.interval={max(1, per_epoch // 4)}']
    raise ValueError(f'unknown kind {family.kind}')


def log_interval(iters: int) -> int:
    """Log every iteration of a short run, every 10th of a long one."""
    return max(1, min(10, iters // 10))


def teacher_checkpoint(work_dir: str, iters: int) -> str:
    """The checkpoint a teacher run of ``iters`` iterations saves last."""
    return osp.join(work_dir, f'iter_{iters}.pth')


def select_runs(only: Optional[Sequence[str]]) -> List[str]:
    """The runs to do, in :data:`FAMILIES` order, with the runs they start from.

    Args:
        only (list[str], optional): Run names; all runs when None.
    """
    wanted = set(only or FAMILIES)
    for name in list(wanted):
        if FAMILIES[name].needs:
            wanted.add(FAMILIES[name].needs)
    return [name for name in FAMILIES if name in wanted]


def plan_runs(names: Sequence[str], out: str, iters: int, train_images: int,
              cpu: bool) -> List[Run]:
    """Every run's work dir and ``--cfg-options``.

    Args:
        names (list[str]): Runs to plan (see :func:`select_runs`).
        out (str): The check's output folder.
        iters (int): Iterations per run.
        train_images (int): Train images of the generated data.
        cpu (bool): CPU mode (in-process data loading).
    """
    root = osp.join(out, 'data', 'shapes')
    runs = []
    for name in names:
        family = FAMILIES[name]
        work_dir = osp.join(out, 'runs', name)
        options = data_root_options(family.kind, root)
        options += schedule_options(family, iters, train_images,
                                    osp.join(out, 'data', 'adele_train.txt'))
        options += [f'default_hooks.logger.interval={log_interval(iters)}',
                    'log_processor.window_size=1', *family.extra]
        if family.needs:
            checkpoint = teacher_checkpoint(osp.join(out, 'runs', family.needs), iters)
            options += [f'train_cfg.teacher.checkpoint={checkpoint}', f'load_from={checkpoint}']
        if cpu:
            options += in_process_loading_options(family.kind)
        runs.append(Run(name, family, work_dir, options))
    return runs


def free_port() -> int:
    """A TCP port nothing listens on now (torchrun's rendezvous)."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def train_command(run: Run, amp: bool, port: Optional[int] = None) -> List[str]:
    """The command line of one run.

    Args:
        run (Run): The run.
        amp (bool): Add ``--amp``.
        port (int, optional): torchrun's port (DDP runs).
    """
    launch = [sys.executable]
    tail = []
    if run.family.ddp:
        launch += ['-m', 'torch.distributed.run', '--nproc_per_node', '1',
                   '--master_port', str(port or free_port())]
        tail = ['--launcher', 'pytorch']
    return [*launch, 'tools/train.py', run.family.config, '--work-dir', run.work_dir, *tail,
            *(['--amp'] if amp else []), '--cfg-options', *run.options]


# ------------------------------------------------------------------------- log parsing
TRAIN_LINE = re.compile(r'Iter\(train\)\s*\[\s*(\d+)/(\d+)\]')
STEP_TIME = re.compile(r'(?<![\w])time: ([0-9.]+)')
MEMORY = re.compile(r'(?<![\w])memory: (\d+)')
ERROR_LINE = re.compile(r'^(error: |([\w.]+\.)?\w*(Error|Exception|Interrupt)\b)')


def parse_train_log(text: str) -> dict:
    """Iterations, step time and peak memory from mmengine's log lines.

    Args:
        text (str): A run's output.

    Returns:
        dict: ``iterations`` (the total of the last ``Iter(train)`` line), ``last_iter``,
        ``median_step_s`` (median ``time:`` of the ``Iter(train)`` lines), ``step_samples``
        and ``peak_memory_mb`` (largest ``memory:`` of any line, train or val; mmengine resets
        the peak at each log line, so the largest is the run's peak). Missing values: None.
    """
    times, memory = [], []
    iterations = last_iter = None
    for line in text.splitlines():
        memory += [int(m) for m in MEMORY.findall(line)]
        match = TRAIN_LINE.search(line)
        if not match:
            continue
        last_iter, iterations = int(match.group(1)), int(match.group(2))
        step = STEP_TIME.search(line)
        if step:
            times.append(float(step.group(1)))
    return dict(iterations=iterations, last_iter=last_iter,
                median_step_s=statistics.median(times) if times else None,
                step_samples=len(times), peak_memory_mb=max(memory) if memory else None)


def last_error_line(text: str) -> Optional[str]:
    """The last ``error:`` or exception line of a failed run's output (torchrun's own
    ChildFailedError left out: the child's error says more), else its last line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines):
        if ERROR_LINE.match(line) and 'ChildFailedError' not in line:
            return line
    return lines[-1] if lines else None


# ------------------------------------------------------------------------- running
def run_logged(command: List[str], log: str, env: dict, timeout: float) -> dict:
    """Run ``command`` from the repo root with its output in ``log``.

    Args:
        command (list[str]): The command line.
        log (str): File for stdout and stderr.
        env (dict): Its environment.
        timeout (float): Seconds before it is killed.

    Returns:
        dict: ``returncode`` (None on timeout), ``wall_s``, ``text`` (the output).
    """
    os.makedirs(osp.dirname(log), exist_ok=True)
    start = time.perf_counter()
    with open(log, 'w') as f:
        f.write(' '.join(command) + '\n')
        f.flush()
        try:
            code = subprocess.run(command, cwd=REPO, env=env, stdout=f,
                                  stderr=subprocess.STDOUT, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            code = None
    wall = time.perf_counter() - start
    with open(log) as f:
        return dict(returncode=code, wall_s=wall, text=f.read())


def result_of(run: Run, command: List[str], outcome: dict, log: str, timeout: float) -> dict:
    """One row of the summary from a finished run.

    Args:
        run (Run): The run.
        command (list[str]): Its command line.
        outcome (dict): :func:`run_logged`'s answer.
        log (str): Its log file.
        timeout (float): Its time limit (for the message).
    """
    text, code = outcome['text'], outcome['returncode']
    parsed = parse_train_log(text)
    error = None
    if code is None:
        error = f'timed out after {timeout:.0f} s'
    elif code != 0:
        error = last_error_line(text)
    elif parsed['last_iter'] is None or parsed['last_iter'] != parsed['iterations']:
        error = f'no log line of its last train iteration ({parsed["last_iter"]})'
    elif run.family.ddp and 'Distributed training: True' not in text:
        error = 'the run was not distributed'
    return dict(name=run.name, family=run.family.family, config=run.family.config,
                status='fail' if error else 'pass', returncode=code, error=error,
                wall_s=round(outcome['wall_s'], 1), log=log, command=' '.join(command),
                **parsed)


def skipped(run: Run, reason: str) -> dict:
    """A summary row for a run that could not start."""
    return dict(name=run.name, family=run.family.family, config=run.family.config,
                status='fail', returncode=None, error=reason, wall_s=0.0, log=None,
                command=None, iterations=None, last_iter=None, median_step_s=None,
                step_samples=0, peak_memory_mb=None)


def child_env(cpu: bool) -> dict:
    """The runs' environment: the checkout first on the path; no GPU in CPU mode."""
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(p for p in (REPO, env.get('PYTHONPATH')) if p)
    if cpu:
        env['CUDA_VISIBLE_DEVICES'] = ''
        env.setdefault('OMP_NUM_THREADS', '1')
    return env


def prepare_data(args, names: Sequence[str], env: dict) -> None:
    """Generate the shapes data, and for ADELE its noisy labels and train list.

    Args:
        args: The command line (``out``, ``num_train``, ``num_val``, ``colour_cue``,
            ``iters``, ``timeout``).
        names (list[str]): The runs that will use it.
        env (dict): The tools' environment.
    """
    root = osp.join(args.out, 'data', 'shapes')
    steps = [['tools/generate_demo_data.py', '--out', root, '--num-train', str(args.num_train),
              '--num-val', str(args.num_val), *(['--colour-cue'] if args.colour_cue else [])]]
    if 'adele' in names:
        steps.append(['tools/synth_noise.py', osp.join(root, 'SegmentationClass'),
                      osp.join(root, NOISY_DIR), '--tier', 'moderate', '--num-classes',
                      str(NUM_CLASSES), '--split', osp.join(root, TRAIN_LIST)])
    for step in steps:
        log = osp.join(args.out, 'logs', 'data_' + osp.basename(step[0])[:-3] + '.log')
        outcome = run_logged([sys.executable, *step], log, env, args.timeout)
        if outcome['returncode'] != 0:
            print(f'error: {step[0]} failed ({last_error_line(outcome["text"])}); see {log}',
                  file=sys.stderr)
            sys.exit(1)
    if 'adele' in names:
        epochs, per_epoch = adele_schedule(args.iters, args.num_train)
        with open(osp.join(root, TRAIN_LIST)) as f:
            ids = f.read().split()[:per_epoch * BATCH]
        with open(osp.join(args.out, 'data', 'adele_train.txt'), 'w') as f:
            f.write('\n'.join(ids) + '\n')


def execute(runs: Sequence[Run], amp: bool, env: dict, out: str, timeout: float) -> List[dict]:
    """Train every run in turn; a run whose teacher failed is not started.

    Args:
        runs (list[Run]): The plan.
        amp (bool): Train with ``--amp``.
        env (dict): The runs' environment.
        out (str): The check's output folder (logs in ``out/logs``).
        timeout (float): Seconds per run.
    """
    results: Dict[str, dict] = {}
    for k, run in enumerate(runs, 1):
        needs = run.family.needs
        if needs and results.get(needs, {}).get('status') != 'pass':
            results[run.name] = skipped(run, f'not started: its teacher run {needs} failed')
        else:
            command = train_command(run, amp)
            log = osp.join(out, 'logs', f'{run.name}.log')
            outcome = run_logged(command, log, env, timeout)
            results[run.name] = result_of(run, command, outcome, log, timeout)
        print(f'[{k}/{len(runs)}] {progress_line(results[run.name])}', flush=True)
    return [results[run.name] for run in runs]


# ------------------------------------------------------------------------- summary
def _fmt(value, spec: str) -> str:
    return '-' if value is None else format(value, spec)


def progress_line(result: dict) -> str:
    """One line per finished run."""
    line = (f'{result["name"]}: {result["status"]}, {_fmt(result["iterations"], "d")} it, '
            f'median step {_fmt(result["median_step_s"], ".4f")} s, peak memory '
            f'{_fmt(result["peak_memory_mb"], "d")} MB, {result["wall_s"]:.1f} s')
    return line + (f' ({result["error"]})' if result['error'] else '')


def summary_table(results: Sequence[dict]) -> str:
    """The markdown table of the runs.

    Args:
        results (list[dict]): Rows from :func:`result_of` / :func:`skipped`.
    """
    lines = ['| family | config | pass/fail | iterations | median step (s) | '
             'peak memory (MB) | wall (s) |',
             '| --- | --- | --- | ---: | ---: | ---: | ---: |']
    for r in results:
        config = osp.relpath(r['config'], 'configs')
        lines.append(f'| {r["family"]} | `{config}` | {r["status"]} | '
                     f'{_fmt(r["iterations"], "d")} | {_fmt(r["median_step_s"], ".4f")} | '
                     f'{_fmt(r["peak_memory_mb"], "d")} | {r["wall_s"]:.1f} |')
    return '\n'.join(lines)


def summary_markdown(header: dict, results: Sequence[dict]) -> str:
    """The whole summary: what ran where, the table, and each failure's error and log.

    Args:
        header (dict): The check's settings and totals (see :func:`main`).
        results (list[dict]): The rows.
    """
    passed = sum(r['status'] == 'pass' for r in results)
    within = 'within' if header['total_wall_s'] <= header['budget_s'] else 'OVER'
    lines = [f'GPU check on {header["device_name"]} ({header["device"]}, torch '
             f'{header["torch"]}, AMP {"on" if header["amp"] else "off"}), --iters '
             f'{header["iters"]}: {passed}/{len(results)} passed in '
             f'{header["total_wall_s"]:.0f} s ({within} the {header["budget_s"]:.0f} s budget)',
             '', summary_table(results)]
    failures = [f'- {r["name"]}: {r["error"]} (log: {r["log"]})'
                for r in results if r['status'] != 'pass']
    return '\n'.join(lines + ([''] + failures if failures else [])) + '\n'


def write_summary(out: str, header: dict, results: Sequence[dict]) -> str:
    """Write ``summary.json`` and ``summary.md`` in ``out``; returns the markdown."""
    markdown = summary_markdown(header, results)
    with open(osp.join(out, 'summary.json'), 'w') as f:
        json.dump(dict(header, runs=list(results)), f, indent=1)
    with open(osp.join(out, 'summary.md'), 'w') as f:
        f.write(markdown)
    return markdown


# ------------------------------------------------------------------------- command line
def parse_args(argv: Optional[Sequence[str]] = None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--device', choices=['cuda', 'cpu'], default='cuda',
                        help='cuda (default; AMP on) or cpu (no AMP: the logic, for CI)')
    parser.add_argument('--iters', type=int, default=300, help='iterations per run')
    parser.add_argument('--only', nargs='+', choices=list(FAMILIES),
                        help='these runs only (and the runs they start from)')
    parser.add_argument('--out', default='work_dirs/gpu_check', help='output folder')
    parser.add_argument('--num-train', type=int, default=400, help='generated train images')
    parser.add_argument('--num-val', type=int, default=40, help='generated val images')
    parser.add_argument('--colour-cue', action='store_true', help='the colour-cue data variant')
    parser.add_argument('--timeout', type=float, default=300, help='seconds per run')
    parser.add_argument('--budget', type=float, default=480,
                        help='seconds the whole check should take (reported, not enforced)')
    parser.add_argument('--dry-run', action='store_true', help='print the commands only')
    return parser.parse_args(argv)


def check_args(args) -> None:
    """Refuse settings that cannot work, with the fix."""
    from mmnoisy.utils.errors import UserError
    if args.iters < 2:
        raise UserError(f'--iters must be >= 2 (a warm-up and a poly step), got {args.iters}')
    if args.num_train < MIN_TRAIN or args.num_val < 1:
        raise UserError(f'--num-train must be >= {MIN_TRAIN} (the 1/20 split needs a labelled '
                        f'image) and --num-val >= 1, got {args.num_train} and {args.num_val}')
    if args.device == 'cuda' and not args.dry_run:
        import torch
        if not torch.cuda.is_available():
            raise UserError('the GPU check needs a CUDA GPU (torch.cuda.is_available() is '
                            'False); run it on a GPU machine, or pass --device cpu to check '
                            'its logic on CPU (no AMP)')


def device_header(args) -> dict:
    """What the check runs on: device, its name, torch version, settings."""
    import torch
    cpu = args.device == 'cpu'
    name = (platform.processor() or 'CPU') if cpu else torch.cuda.get_device_name(0)
    return dict(device=args.device, device_name=name, torch=torch.__version__, amp=not cpu,
                iters=args.iters, num_train=args.num_train, budget_s=args.budget)


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = parse_args(argv)
    check_args(args)
    args.out = osp.abspath(args.out)
    cpu = args.device == 'cpu'
    names = select_runs(args.only)
    runs = plan_runs(names, args.out, args.iters, args.num_train, cpu)
    if args.dry_run:
        for run in runs:
            print(' '.join(train_command(run, amp=not cpu, port=29500)))
        return
    env = child_env(cpu)
    start = time.perf_counter()
    prepare_data(args, names, env)
    results = execute(runs, amp=not cpu, env=env, out=args.out, timeout=args.timeout)
    header = dict(device_header(args), total_wall_s=round(time.perf_counter() - start, 1))
    print(write_summary(args.out, header, results), end='')
    if any(r['status'] != 'pass' for r in results):
        sys.exit(1)


if __name__ == '__main__':
    from mmnoisy.apis.cli import run_cli
    run_cli(main)
