from mmengine.runner import Runner

from mmnoisy.datasets.samplers.centroid_index import WORK_DIR_KEY
from mmnoisy.registry import RUNNERS
from mmnoisy.utils.compat import trusted_checkpoint_loading


@RUNNERS.register_module()
class MMNoisyRunner(Runner):
    """mmengine's :class:`Runner` that can read back the checkpoints it writes.

    torch >= 2.6 loads with ``weights_only=True``, which refuses mmengine's runner
    checkpoints (mmengine issue #1655), so ``--resume`` and ``load_from`` fail. Here files
    loaded by the runner itself (resume, ``load_from``) are read with
    ``weights_only=False``; pretrained and init weights of the model keep the safe default.
    Only resume from checkpoints you trust: unpickling can run arbitrary code.

    The work dir is also published in the message hub (info ``work_dir``, not saved in
    checkpoints), for parts built without the runner at hand, e.g. the centroid cache of
    :class:`mmnoisy.datasets.samplers.ClassUniformSampler`.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.message_hub.update_info(WORK_DIR_KEY, self.work_dir, resumed=False)

    def load_checkpoint(self, filename, map_location='cpu', strict=False,
                        revise_keys=[(r'^module.', '')]):
        with trusted_checkpoint_loading():
            return super().load_checkpoint(filename, map_location, strict, revise_keys)
