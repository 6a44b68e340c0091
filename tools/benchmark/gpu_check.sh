#!/usr/bin/env bash
# GPU readiness check (tools/benchmark/gpu_check.py): every method family's tiny config with
# AMP, one DDP process on NCCL and the DINOv2 frozen/trained runs, a few hundred iterations
# each; summary in work_dirs/gpu_check/summary.{md,json}. Exits 1 if a run failed, 2 without
# a GPU. Usage (from anywhere; relative paths are from the repo root):
#   bash tools/benchmark/gpu_check.sh [--iters 300] [--only RUN...] [--device cpu] [--dry-run]
set -euo pipefail
cd "$(dirname "$0")/../.."
export PYTHONPATH=$(pwd)${PYTHONPATH:+:$PYTHONPATH}
exec ${PYTHON:-python} tools/benchmark/gpu_check.py "$@"
