"""Test helper: ends training abruptly after a given iteration, like a killed job."""
import os

from mmengine.hooks import Hook

from mmnoisy.registry import HOOKS


@HOOKS.register_module()
class StopAtIterHook(Hook):
    priority = 'LOWEST'  # after the CheckpointHook has saved this iteration

    def __init__(self, stop_iter: int):
        self.stop_iter = stop_iter

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        # runner.iter is still the index of the iteration that just finished
        if runner.iter + 1 == self.stop_iter:
            os._exit(3)  # no cleanup, no final checkpoint
