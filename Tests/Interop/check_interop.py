#!/usr/bin/env python3
"""Interop checks that real clients verify (run by Tests/Interop/run.sh in its venv):
  (a) ONNX export of every config runs in onnxruntime like `dlt predict`  (onnx_check.py)
  (b) PyTorch weights load with --init-from and predict like PyTorch       (torch_import_check.py)
  (c) checkpoints open with Python's safetensors and match predictions     (checkpoint_check.py)
  (d) TensorBoard reads DIR/tb; (e) `dlt plot` writes PNG and SVG          (tensorboard_check.py)
  (f) PyTorch LSTM, GRU and attention weights give PyTorch's outputs on
      padded batches, in dlt and in onnxruntime                           (sequence_check.py)
  (q) `dlt quantize`'s int8 QDQ model runs in onnxruntime like dlt's int8 simulation (quantize_check.py)

Usage: check_interop.py DLT_BINARY [--only a,b,c,d,f,q]
Prints PASS/FAIL per point; exits 1 if anything failed.
"""
import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import checkpoint_check  # noqa: E402
import onnx_check  # noqa: E402
import sequence_check  # noqa: E402
import quantize_check  # noqa: E402
import tensorboard_check  # noqa: E402
import torch_import_check  # noqa: E402
from common import Dlt, Report  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dlt")
    parser.add_argument("--only", default="a,b,c,d,f,q", help="comma-separated parts to run (c needs a; d runs d and e)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary run directories")
    args = parser.parse_args()
    if not os.access(args.dlt, os.X_OK):
        print(f"FAIL dlt binary: {args.dlt} is not executable (build it first)")
        return 1
    dlt, report, parts = Dlt(args.dlt), Report(), set(args.only.split(","))
    tmp_holder = tempfile.TemporaryDirectory(prefix="dlt-interop-")
    tmp = tmp_holder.name
    runs = {}
    if "a" in parts:
        runs = onnx_check.check_all(dlt, report, tmp)
    if "b" in parts:
        torch_import_check.check_all(dlt, report, tmp)
    if "c" in parts and "a" in parts:
        checkpoint_check.check_all(dlt, report, runs)
    if "d" in parts:
        tensorboard_check.check_all(dlt, report, tmp)
    if "f" in parts:
        sequence_check.check_all(dlt, report, tmp)
    if "q" in parts:
        quantize_check.check_all(dlt, report, tmp)
    print(f"interop: {report.passes} passed, {report.failures} failed")
    if args.keep:
        tmp_holder._finalizer.detach()
        print(f"runs kept in {tmp}")
    else:
        tmp_holder.cleanup()
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
