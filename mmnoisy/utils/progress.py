"""Progress of long work: a bar on a terminal, a few log lines in files and CI logs."""
import sys
import time
from typing import Callable

from mmengine.logging import print_log
from mmengine.utils import ProgressBar


def format_duration(seconds: float) -> str:
    """``m:ss``, or ``h:mm:ss`` from an hour on (e.g. 0:42, 2:04, 1:02:03)."""
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f'{hours}:{minutes:02d}:{secs:02d}' if hours else f'{minutes}:{secs:02d}'


class _LoggedProgress:
    """Logs ``<task>: done/total, <elapsed> elapsed, ETA <remaining>`` at every ``1/steps``
    of the work (the last line gives the elapsed time only).

    The ETA assumes the remaining items take as long as the done ones did on average.

    Args:
        total (int): Items of work.
        task (str): What the log lines call the work.
        steps (int): Log lines over the whole work. Default: 4.
        clock (Callable[[], float]): Seconds of a monotonic clock (a fake one in tests).
            Default: :func:`time.monotonic`.
    """

    def __init__(self, total: int, task: str, steps: int = 4,
                 clock: Callable[[], float] = time.monotonic):
        self.total, self.task, self.done = total, task, 0
        self.marks = sorted({max(1, round(total * k / steps)) for k in range(1, steps + 1)})
        self.clock = clock
        self.start = clock()

    def update(self, count: int = 1) -> None:
        self.done += count
        passed = [mark for mark in self.marks if mark <= self.done]
        if passed:  # one line even if a large count passes several marks
            self.marks = self.marks[len(passed):]
            print_log(self._line(), logger='current')

    def _line(self) -> str:
        elapsed = self.clock() - self.start
        text = f'{self.task}: {self.done}/{self.total}, {format_duration(elapsed)} elapsed'
        if self.done < self.total:
            remaining = elapsed / self.done * (self.total - self.done)
            text += f', ETA {format_duration(remaining)}'
        return text


def progress(total: int, task: str):
    """An object with ``update()``: mmengine's bar on a TTY (it shows the elapsed time and
    the ETA itself), sparse log lines with both otherwise."""
    if sys.stdout.isatty():
        return ProgressBar(total)
    return _LoggedProgress(total, task)
