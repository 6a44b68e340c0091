#!/usr/bin/env bash
# Create (once) the virtualenv .venv and install mmnoisy with its stack into it.
# Idempotent: a second run reuses what is installed. CPU machines get torch 2.13.0 (CPU build,
# pinned before anything else so no CUDA torch is pulled in) and mmcv-lite unless a full
# mmcv is already there. MMNOISY_VENV and PYTHON override the venv path and interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${MMNOISY_VENV:-.venv}
if [ ! -x "$VENV/bin/python" ]; then
    "${PYTHON:-python3}" -m venv "$VENV"
fi
PY="$VENV/bin/python"
pip_install() { "$PY" -m pip install --quiet --disable-pip-version-check "$@"; }

if ! "$PY" -c 'import torch' 2>/dev/null; then
    pip_install torch==2.13.0
fi
# Whatever torch is installed stays: nothing below may replace it.
constraints="$VENV/constraints.txt"
"$PY" -c 'import torch; print("torch==" + torch.__version__)' > "$constraints"
if ! "$PY" -c 'import importlib.util as u; exit(u.find_spec("mmcv._ext") is None)' 2>/dev/null
then
    pip_install -c "$constraints" mmcv-lite==2.1.0
fi
stamp="$VENV/.mmnoisy-requirements"
wanted=$(cat requirements/runtime.txt requirements/optional.txt requirements/tests.txt | sha1sum)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    pip_install -c "$constraints" -r requirements/runtime.txt -r requirements/optional.txt \
        -r requirements/tests.txt
    echo "$wanted" > "$stamp"
fi
# A regular (not editable) install, so that `mim train mmnoisy` finds configs and tools.
pip_install --no-deps --no-build-isolation --force-reinstall .
rm -rf build mmnoisy.egg-info
