"""Command-line entry points: one clear line for a user's mistake, a clean work dir after it."""
import contextlib
import os
import os.path as osp
import shutil
import sys
from typing import Callable, Iterator

from mmnoisy.utils.errors import UserError

DEBUG_ENV = 'MMNOISY_DEBUG'


def user_error_message(error: BaseException):
    """The message to show for a user's mistake, or None for a genuine bug.

    Mistakes are :class:`UserError` (bad data, config values, checkpoints, output folders;
    also when re-raised from a dataloader worker or by mmengine's builder, which prefix the
    message), missing files, and config types no registry knows.
    """
    text = str(error.args[0]) if error.args else str(error)
    if isinstance(error, UserError):
        # A dataloader worker re-raises as "Caught X in DataLoader worker...Traceback...X: msg".
        marker = f'{type(error).__name__}: '
        return text.rsplit(marker, 1)[-1].strip() if marker in text else text
    if isinstance(error, FileNotFoundError):
        return str(error)
    if isinstance(error, KeyError) and 'registry' in text and 'is not in the' in text:
        return (f'{text.splitlines()[0]} Check the `type` in your config (mmnoisy types need '
                "`custom_imports=dict(imports=['mmnoisy'])` or the `mmnoisy.` prefix under "
                'another default scope).')
    return None


class WorkDirGuard:
    """Remove what a failed run added to its work dir, unless it saved a checkpoint."""

    def __init__(self, work_dir: str):
        self.work_dir = work_dir
        self.existed = osp.isdir(work_dir)
        self.before = set(os.listdir(work_dir)) if self.existed else set()

    def rollback(self) -> None:
        if int(os.environ.get('RANK', 0)) != 0 or not osp.isdir(self.work_dir):
            return
        added = set(os.listdir(self.work_dir)) - self.before
        if any(name.endswith('.pth') for name in added):
            return  # a resumable run: keep it
        for name in added:
            path = osp.join(self.work_dir, name)
            if osp.isdir(path):
                shutil.rmtree(path, ignore_errors=True)
            elif osp.exists(path):
                os.remove(path)
        if not self.existed and not os.listdir(self.work_dir):
            os.rmdir(self.work_dir)


@contextlib.contextmanager
def rollback_on_user_error(work_dir: str) -> Iterator[None]:
    """Leave ``work_dir`` as it was when the body fails on a user's mistake."""
    guard = WorkDirGuard(work_dir)
    try:
        yield
    except Exception as error:
        if user_error_message(error) is not None:
            guard.rollback()
        raise


def run_cli(main: Callable[[], None]) -> None:
    """Run ``main``; a user's mistake ends with one line on stderr and exit code 2.

    Set ``MMNOISY_DEBUG=1`` to see the full traceback instead.
    """
    try:
        main()
    except Exception as error:  # noqa: BLE001 - filtered below, bugs are re-raised
        message = user_error_message(error)
        if message is None or os.environ.get(DEBUG_ENV):
            raise
        print(f'error: {message}', file=sys.stderr)
        sys.exit(2)
    shut_down_distributed()


def shut_down_distributed() -> None:
    """Tear the process group down while the interpreter is still whole.

    Left to interpreter exit, a gloo worker thread can free the tensors of the run's last
    collective (the evaluator's metric broadcast) after finalization has begun; taking the
    GIL then ends the thread inside a destructor and the rank dies with SIGABRT
    ("terminate called without an active exception", pytorch/pytorch#190489) after a
    successful run. The barrier drains the work queues, collecting the finished runner drops
    the last DDP reference to the group, and destroying the group joins its threads.
    """
    import gc

    import torch.distributed as dist
    if not (dist.is_available() and dist.is_initialized()):
        return
    dist.barrier()
    gc.collect()
    dist.destroy_process_group()


def add_common_args(parser) -> None:
    """The options mmseg's train and test tools share."""
    from mmengine.config import DictAction
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override settings of the config, key=value (e.g. '
        'train_cfg.max_iters=100 model.decode_head.num_classes=21)')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher')
    parser.add_argument(
        '--trust-checkpoint', action='store_true',
        help='allow unpickling a checkpoint that holds more than weights and runner state '
        '(config: trust_checkpoint=True). Unpickling can run code: only for files you trust')
    parser.add_argument(
        '--partial-load', action='store_true',
        help='load only the weights of a checkpoint that fit the model, with warnings, '
        'instead of refusing a checkpoint of another architecture or class count '
        '(config: strict_load=False)')
    # torch.distributed.launch passes --local-rank (torch >= 2.0) or --local_rank.
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def load_cli_config(args):
    """Read the config and apply the command line, as mmseg's tools do.

    The work dir is the one given, else the config's, else ``work_dirs/<config name>``.
    Without a GPU, a distributed launch is set up on gloo
    (:func:`mmnoisy.engine.prepare_cpu_distributed`).
    """
    from mmengine.config import Config

    from mmnoisy.engine import prepare_cpu_distributed
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    if not osp.isfile(args.config):
        raise FileNotFoundError(f'config {args.config} does not exist')
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.trust_checkpoint:
        cfg.trust_checkpoint = True
    if args.partial_load:
        cfg.strict_load = False
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])
    prepare_cpu_distributed(cfg, args.launcher)
    return cfg


def build_runner(cfg):
    """Build the runner the config names, mmnoisy's by default."""
    from mmnoisy.engine import MMNoisyRunner
    from mmnoisy.registry import RUNNERS
    if 'runner_type' in cfg:
        return RUNNERS.build(cfg)
    return MMNoisyRunner.from_cfg(cfg)
