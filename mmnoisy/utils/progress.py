"""Progress of long work: a bar on a terminal, a few log lines in files and CI logs."""
import sys

from mmengine.logging import print_log
from mmengine.utils import ProgressBar


class _LoggedProgress:
    """Logs ``<task>: done/total`` at every ``1/steps`` of the work."""

    def __init__(self, total: int, task: str, steps: int = 4):
        self.total, self.task, self.done = total, task, 0
        self.marks = {max(1, round(total * k / steps)) for k in range(1, steps + 1)}

    def update(self, count: int = 1) -> None:
        self.done += count
        if self.done in self.marks:
            print_log(f'{self.task}: {self.done}/{self.total}', logger='current')


def progress(total: int, task: str):
    """An object with ``update()``: mmengine's bar on a TTY, sparse log lines otherwise."""
    if sys.stdout.isatty():
        return ProgressBar(total)
    return _LoggedProgress(total, task)
