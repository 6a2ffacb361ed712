#!/usr/bin/env bash
# Interop checks with real clients: onnxruntime, Python's safetensors, TensorBoard.
# Usage: Tests/Interop/run.sh [DLT_BINARY]   (default .build/debug/dlt)
# Creates .venv-interop (git-ignored) with the Python packages on first use, then runs
# Tests/Interop/check_interop.py, which prints PASS/FAIL per point and fails on any FAIL.
set -euo pipefail
cd "$(dirname "$0")/../.."
DLT="${1:-.build/debug/dlt}"
VENV=.venv-interop
PACKAGES="numpy onnxruntime onnx safetensors tensorboard pyyaml"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import numpy, onnxruntime, onnx, safetensors, tensorboard, yaml" 2>/dev/null; then
  "$VENV/bin/pip" install -q $PACKAGES
fi
# The generated CIFAR-10 sample and text CSV the configs read.
if [ ! -f data/generated/text_train.csv ] || [ ! -f data/generated/test_batch.bin ]; then
  python3 scripts/make_test_data.py data/generated
fi
exec "$VENV/bin/python" Tests/Interop/check_interop.py "$DLT" "${@:2}"
