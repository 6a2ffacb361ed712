"""Shared pieces of the interop checks: running dlt, PASS/FAIL reporting, config inputs.

Every check prints one `PASS name: detail` or `FAIL name: detail` line; check_interop.py exits 1
if any FAIL was printed.
"""
import gzip
import os
import subprocess

import numpy as np
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FASHION = "/usr/share/datasets/fashion-mnist"
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "interop")
TOLERANCE = 1e-4


class Report:
    """Collects PASS/FAIL lines; `failures` counts the FAILs."""

    def __init__(self):
        self.failures = 0
        self.passes = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passes += 1
        else:
            self.failures += 1
        print(f"{'PASS' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)
        return ok


class Dlt:
    """Runs the dlt binary from the repository root (configs use paths relative to it)."""

    def __init__(self, binary):
        self.binary = os.path.abspath(binary)

    def run(self, *args):
        """Returns the CompletedProcess (text stdout/stderr); never raises on a non-zero exit."""
        return subprocess.run([self.binary, *map(str, args)], cwd=ROOT, capture_output=True, text=True)

    def must(self, report, name, *args):
        """Runs dlt; on a non-zero exit reports FAIL with the command and stderr, returns None."""
        result = self.run(*args)
        if result.returncode != 0:
            report.check(name, False, f"`dlt {' '.join(map(str, args))}` exited {result.returncode}: "
                                      f"{result.stderr.strip().splitlines()[-1:] }")
            return None
        return result


def load_config(path):
    with open(os.path.join(ROOT, path)) as handle:
        return yaml.safe_load(handle)


def normalize(config, raw):
    """What dlt does to raw inputs before the first layer: x = (raw / scale - mean[c]) / std[c],
    c the index along axis 1 (C of N,C,H,W or the feature of N,F). Missing parts are identities."""
    spec = (config.get("data") or {}).get("normalize") or {}
    x = raw.astype(np.float64) / float(spec.get("scale", 1))
    shape = [1, -1] + [1] * (raw.ndim - 2)
    if "mean" in spec:
        x = x - np.asarray(spec["mean"], dtype=np.float64).reshape(shape)
    if "std" in spec:
        x = x / np.asarray(spec["std"], dtype=np.float64).reshape(shape)
    return x.astype(np.float32)


def read_idx(path):
    """IDX file (.gz or not) -> uint8 array with the file's dimensions."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as handle:
        blob = handle.read()
    ndim = blob[3]
    dims = [int.from_bytes(blob[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(blob, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def fashion_test_images(count):
    """The first `count` Fashion-MNIST test images, raw 0..255 as float32 (count, 1, 28, 28)."""
    images = read_idx(f"{FASHION}/t10k-images-idx3-ubyte.gz")[:count]
    return np.ascontiguousarray(images.reshape(count, 1, 28, 28).astype(np.float32))


def raw_inputs(config, count, seed=0):
    """`count` raw samples (what `dlt predict` reads from .npy) for a config's model input:
    Fashion-MNIST images for [1,28,28], the generated CIFAR-10 test batch (then random pixels)
    for [3,32,32], token ids in [0, vocab) for text, the data file's rows for small CSV models."""
    shape = list(config["model"]["input"])
    data = config["data"]
    rng = np.random.default_rng(seed)
    if shape == [1, 28, 28]:
        return fashion_test_images(count)
    if data["format"] == "cifar10":
        blob = open(os.path.join(ROOT, data["test"]["files"][0]), "rb").read()
        records = np.frombuffer(blob, dtype=np.uint8).reshape(-1, 3073)[:, 1:].reshape(-1, 3, 32, 32)
        extra = rng.integers(0, 256, (max(count - len(records), 0), 3, 32, 32))
        return np.ascontiguousarray(np.concatenate([records, extra])[:count].astype(np.float32))
    if "vocab" in data:
        return rng.integers(0, data["vocab"], (count, *shape)).astype(np.float32)
    if data["format"] == "csv":
        import csv
        with open(os.path.join(ROOT, data["test"]["path"])) as handle:
            rows = list(csv.DictReader(handle))
        label = data["test"].get("label_column", "label")
        columns = [c for c in rows[0] if c != label]
        return np.asarray([[float(r[c]) for c in columns] for r in rows], dtype=np.float32)
    raise ValueError(f"no interop inputs for model input {shape} ({data['format']})")
