#!/usr/bin/env python3
"""Float vs int8 ONNX in onnxruntime on the Fashion-MNIST test split: accuracy and inference
images/s (one thread, batches of 256, best of 3 passes). For docs/quantization.md.

Usage: .venv-interop/bin/python scripts/onnx_int8_speed.py FLOAT.onnx INT8.onnx
"""
import gzip
import sys
import time

import numpy as np
import onnxruntime

FASHION = "/usr/share/datasets/fashion-mnist"


def idx(path):
    blob = gzip.open(path, "rb").read()
    dims = [int.from_bytes(blob[4 + 4 * i: 8 + 4 * i], "big") for i in range(blob[3])]
    return np.frombuffer(blob, dtype=np.uint8, offset=4 + 4 * blob[3]).reshape(dims)


def measure(path, x, labels):
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    session = onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    best, outputs = float("inf"), None
    for _ in range(3):
        start = time.perf_counter()
        outputs = np.concatenate([session.run(["output"], {"input": x[i:i + 256]})[0] for i in range(0, len(x), 256)])
        best = min(best, time.perf_counter() - start)
    return float((outputs.argmax(axis=1) == labels).mean()), len(x) / best


def main():
    x = (idx(f"{FASHION}/t10k-images-idx3-ubyte.gz").reshape(-1, 1, 28, 28) / np.float32(255)).astype(np.float32)
    labels = idx(f"{FASHION}/t10k-labels-idx1-ubyte.gz")
    print(f"onnxruntime {onnxruntime.__version__}")
    for label, path in (("float", sys.argv[1]), ("int8", sys.argv[2])):
        accuracy, speed = measure(path, x, labels)
        print(f"{label:6s} accuracy {accuracy:.4f}  {speed:,.0f} images/s")


if __name__ == "__main__":
    main()
