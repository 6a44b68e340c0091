# mmseg's runtime, with mmnoisy's scope and runner (which can resume from its own
# checkpoints under torch >= 2.6; see mmnoisy.engine.MMNoisyRunner).
_base_ = 'mmseg::_base_/default_runtime.py'
default_scope = 'mmnoisy'
runner_type = 'MMNoisyRunner'
