"""Test helper: a pseudo-labeller that dies part-way through labelling, like a killed job."""
import os

from mmnoisy.pseudo import PseudoLabeler
from mmnoisy.registry import TASK_UTILS


@TASK_UTILS.register_module()
class KillDuringLabelling(PseudoLabeler):
    """Labels ``kill_after`` images of the labelling pass, then ends the process."""

    def __init__(self, kill_after: int = 3, **kwargs):
        super().__init__(**kwargs)
        self.kill_after = kill_after

    def _predict(self, model, dataloader, stage):
        for done, item in enumerate(super()._predict(model, dataloader, stage)):
            if stage == 'labelling' and done == self.kill_after:
                os._exit(3)  # no cleanup: what the run had written stays as it was
            yield item
