"""Registries of mmnoisy: one child of each of mmseg's registries, scope ``mmnoisy``.

With ``default_scope='mmnoisy'`` a type is looked up here first and then in mmseg's
parent registry, so configs mix mmnoisy and mmseg types freely. Every mmseg registry needs a
child: a missing one would fall back to mmengine's root and lose mmseg's types. Parents'
``locations`` are not imported for a child, so each lists both packages.
"""
from mmengine.registry import Registry
from mmseg import registry as mmseg_registry

_SCOPE = 'mmnoisy'


def _child(name: str, parent: Registry, mmseg_module: str = '',
           mmnoisy_module: str = '') -> Registry:
    locations = [m for m in (mmseg_module, mmnoisy_module) if m]
    return Registry(name, parent=parent, scope=_SCOPE, locations=locations)


R = mmseg_registry
RUNNERS = _child('runner', R.RUNNERS, '', 'mmnoisy.engine')
RUNNER_CONSTRUCTORS = _child('runner constructor', R.RUNNER_CONSTRUCTORS)
LOOPS = _child('loop', R.LOOPS, '', 'mmnoisy.engine')
HOOKS = _child('hook', R.HOOKS, 'mmseg.engine.hooks', 'mmnoisy.engine')
DATASETS = _child('dataset', R.DATASETS, 'mmseg.datasets', 'mmnoisy.datasets')
DATA_SAMPLERS = _child('data sampler', R.DATA_SAMPLERS, '', 'mmnoisy.datasets')
TRANSFORMS = _child('transform', R.TRANSFORMS, 'mmseg.datasets.transforms',
                    'mmnoisy.datasets')
MODELS = _child('model', R.MODELS, 'mmseg.models', 'mmnoisy.models')
MODEL_WRAPPERS = _child('model_wrapper', R.MODEL_WRAPPERS, 'mmseg.models', 'mmnoisy.models')
WEIGHT_INITIALIZERS = _child('weight initializer', R.WEIGHT_INITIALIZERS, 'mmseg.models',
                             'mmnoisy.models')
OPTIMIZERS = _child('optimizer', R.OPTIMIZERS, 'mmseg.engine.optimizers', 'mmnoisy.engine')
OPTIM_WRAPPERS = _child('optim_wrapper', R.OPTIM_WRAPPERS, 'mmseg.engine.optimizers',
                        'mmnoisy.engine')
OPTIM_WRAPPER_CONSTRUCTORS = _child('optimizer wrapper constructor',
                                    R.OPTIM_WRAPPER_CONSTRUCTORS,
                                    'mmseg.engine.optimizers', 'mmnoisy.engine')
PARAM_SCHEDULERS = _child('parameter scheduler', R.PARAM_SCHEDULERS,
                          'mmseg.engine.schedulers', 'mmnoisy.engine')
METRICS = _child('metric', R.METRICS, 'mmseg.evaluation', 'mmnoisy.evaluation')
EVALUATOR = _child('evaluator', R.EVALUATOR, 'mmseg.evaluation', 'mmnoisy.evaluation')
TASK_UTILS = _child('task util', R.TASK_UTILS, 'mmseg.models', 'mmnoisy.models')
VISUALIZERS = _child('visualizer', R.VISUALIZERS, 'mmseg.visualization')
VISBACKENDS = _child('vis_backend', R.VISBACKENDS, 'mmseg.visualization')
LOG_PROCESSORS = _child('log_processor', R.LOG_PROCESSORS, 'mmseg.visualization')
INFERENCERS = _child('inferencer', R.INFERENCERS)
