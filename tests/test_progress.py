"""Progress log lines: done/total with the elapsed time and the ETA, on a fake clock."""
import pytest

from mmnoisy.utils import progress as progress_module
from mmnoisy.utils.progress import _LoggedProgress, format_duration, progress


class FakeClock:
    """Seconds that pass only when the test says so."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.mark.parametrize('seconds, text', [
    (0, '0:00'), (42.4, '0:42'), (124, '2:04'), (3723, '1:02:03'), (59.6, '1:00')])
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


def test_log_lines_give_elapsed_time_and_eta(logged):
    clock = FakeClock()
    bar = _LoggedProgress(950, 'pseudo labels (round 1)', clock=clock)
    for _ in range(950):
        clock.now += 0.175  # at 238 of 950: 41.65 s elapsed, 712 more take 124.6 s
        bar.update()
    assert [message for _, message in logged] == ['pseudo labels (round 1): 238/950, 0:42 elapsed, ETA 2:05',
                      'pseudo labels (round 1): 475/950, 1:23 elapsed, ETA 1:23',
                      'pseudo labels (round 1): 712/950, 2:05 elapsed, ETA 0:42',
                      'pseudo labels (round 1): 950/950, 2:46 elapsed']


def test_an_update_past_several_marks_logs_once(logged):
    clock = FakeClock()
    bar = _LoggedProgress(8, 'class centroids', clock=clock)
    clock.now += 30
    bar.update(6)  # past the marks 2, 4 and 6
    clock.now += 10
    bar.update(2)
    assert [message for _, message in logged] == ['class centroids: 6/8, 0:30 elapsed, ETA 0:10',
                      'class centroids: 8/8, 0:40 elapsed']


def test_logged_off_a_terminal(monkeypatch, logged):
    monkeypatch.setattr(progress_module.sys.stdout, 'isatty', lambda: False, raising=False)
    bar = progress(2, 'rendering')
    bar.update()
    bar.update()
    assert [message.split(',')[0] for _, message in logged] == ['rendering: 1/2', 'rendering: 2/2']
