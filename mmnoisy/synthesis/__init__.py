"""Offline data synthesis: the procedural demo dataset (and the pretraining corpus of
:mod:`.pretrain_corpus`, drawn by the same renderer), label noise and the sparse-label
coverage report, as the tools write them to disk (``tools/generate_demo_data.py``,
``tools/synth_noise.py``, ``tools/synth_sparse_labels.py``).

It builds on :mod:`mmnoisy.datasets` (label files, split lists, the shapes classes); the
runtime datasets never import it.
"""
from . import noise  # noqa: F401  label-noise synthesis (tools/synth_noise.py)
from .shapes_generator import ShapesSpec, generate_shapes_dataset, render_sample
from .sparse_labels import CoverageReport

__all__ = ['CoverageReport', 'ShapesSpec', 'generate_shapes_dataset', 'render_sample']
