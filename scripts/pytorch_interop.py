#!/usr/bin/env python3
"""PyTorch -> dlt weight interop: the seed CNN (configs/mnist_cnn.yaml) built in PyTorch.

Usage:
  pytorch_interop.py [--out DIR] [--steps N]
      Trains the PyTorch twin of mnist_cnn for N steps on Fashion-MNIST (so its softmax outputs are
      confident, not near-uniform), then writes to DIR (default Tests/Fixtures/interop):
        seed_cnn_torch.safetensors  the state_dict renamed to dlt's layer names (F32)
        seed_cnn_inputs.npy         16 Fashion-MNIST test images, raw 0..255 values, (16,1,28,28) float32
        seed_cnn_torch_probs.npy    PyTorch's softmax outputs on them (x/255 normalised), (16,10) float32
        seed_cnn_torch.json         torch/numpy versions and how the files were made
      Tests/Interop/check_interop.py checks dlt against these files without needing torch.
  pytorch_interop.py --live [--dlt PATH]
      Not in CI (needs torch): builds a freshly initialised PyTorch seed CNN, exports it, runs
      `dlt train --init-from ... --epochs 0` and `dlt predict --format npy`, compares within 1e-4.

Needs torch, numpy and safetensors (e.g. .venv-bench/bin/python).
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from torch import nn
from safetensors.numpy import save_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FASHION = "/usr/share/datasets/fashion-mnist"
CONFIG = os.path.join(ROOT, "configs", "mnist_cnn.yaml")

# PyTorch Sequential index -> dlt layer name (`<type>_<index in the config's layers>`).
# Sequential: 0 conv, 1 relu, 2 pool, 3 conv, 4 relu, 5 pool, 6 flatten, 7 linear, 8 relu, 9 linear.
RENAME = {"0": "conv2d_0", "3": "conv2d_2", "7": "dense_5", "9": "dense_6"}


def seed_cnn():
    """The mnist_cnn config as PyTorch modules; softmax is applied outside (as dlt folds it into the loss)."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),  # C, H, W order, as dlt's flatten
        nn.Linear(64 * 5 * 5, 64), nn.ReLU(),
        nn.Linear(64, 10),
    )


def dlt_state(model):
    """state_dict with `0.weight` -> `conv2d_0.weight` etc., as contiguous float32 numpy arrays.
    Layouts need no change: dlt stores dense [out, in] and conv [out, in, kh, kw] like PyTorch."""
    out = {}
    for key, value in model.state_dict().items():
        index, _, param = key.partition(".")
        out[f"{RENAME[index]}.{param}"] = np.ascontiguousarray(value.detach().cpu().numpy().astype(np.float32))
    return out


def read_idx(path):
    """IDX file (.gz) -> numpy uint8 array with the file's dimensions."""
    with gzip.open(path, "rb") as handle:
        blob = handle.read()
    ndim = blob[3]
    dims = [int.from_bytes(blob[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(blob, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def probabilities(model, raw):
    """Softmax outputs for raw 0..255 images (N,1,28,28); normalise x/255 as the config says."""
    with torch.no_grad():
        return torch.softmax(model(torch.from_numpy(raw / np.float32(255))), dim=1).numpy().astype(np.float32)


def train(model, steps, seed):
    images = read_idx(f"{FASHION}/train-images-idx3-ubyte.gz")
    labels = read_idx(f"{FASHION}/train-labels-idx1-ubyte.gz")
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(steps):
        pick = rng.integers(0, len(images), 64)
        x = torch.from_numpy(images[pick].reshape(-1, 1, 28, 28).astype(np.float32) / 255)
        y = torch.from_numpy(labels[pick].astype(np.int64))
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()


def test_images(count):
    images = read_idx(f"{FASHION}/t10k-images-idx3-ubyte.gz")
    return np.ascontiguousarray(images[:count].reshape(count, 1, 28, 28).astype(np.float32))


def make_fixture(out_dir, steps):
    torch.manual_seed(0)
    torch.set_num_threads(1)  # bit-stable outputs on any machine
    model = seed_cnn()
    train(model, steps, seed=0)
    model.eval()
    raw = test_images(16)
    probs = probabilities(model, raw)
    os.makedirs(out_dir, exist_ok=True)
    save_file(dlt_state(model), os.path.join(out_dir, "seed_cnn_torch.safetensors"))
    np.save(os.path.join(out_dir, "seed_cnn_inputs.npy"), raw)
    np.save(os.path.join(out_dir, "seed_cnn_torch_probs.npy"), probs)
    info = {
        "made_by": "scripts/pytorch_interop.py --steps %d" % steps,
        "torch": torch.__version__, "numpy": np.__version__,
        "model": "configs/mnist_cnn.yaml in PyTorch; Sequential indices renamed %s" % RENAME,
        "inputs": "first 16 Fashion-MNIST t10k images, raw 0..255 float32 (16,1,28,28)",
        "outputs": "torch.softmax(model(x / 255)), float32 (16,10)",
        "argmax": probs.argmax(axis=1).tolist(),
    }
    with open(os.path.join(out_dir, "seed_cnn_torch.json"), "w") as handle:
        json.dump(info, handle, indent=2)
        handle.write("\n")
    print(f"wrote fixture to {out_dir} (torch {torch.__version__}); max prob mean {probs.max(axis=1).mean():.3f}")


def live(dlt):
    torch.manual_seed(1)
    model = seed_cnn().eval()
    raw = test_images(32)
    expected = probabilities(model, raw)
    with tempfile.TemporaryDirectory() as tmp:
        weights = os.path.join(tmp, "torch.safetensors")
        save_file(dlt_state(model), weights)
        np.save(os.path.join(tmp, "inputs.npy"), raw)
        run = os.path.join(tmp, "run")
        subprocess.run([dlt, "train", CONFIG, "--init-from", weights, "--epochs", "0", "--out", run], check=True)
        out = os.path.join(tmp, "out.npy")
        subprocess.run([dlt, "predict", os.path.join(run, "last.safetensors"), os.path.join(tmp, "inputs.npy"),
                        "--format", "npy", "-o", out], check=True)
        got = np.load(out)
    diff = float(np.abs(got - expected).max())
    ok = got.shape == expected.shape and diff <= 1e-4
    print(f"{'PASS' if ok else 'FAIL'} live PyTorch seed CNN -> dlt: max |diff| = {diff:.2e} (torch {torch.__version__})")
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--live", action="store_true", help="compare a fresh PyTorch model with dlt now")
    parser.add_argument("--out", default=os.path.join(ROOT, "Tests", "Fixtures", "interop"))
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--dlt", default=os.path.join(ROOT, ".build", "debug", "dlt"))
    args = parser.parse_args()
    if args.live:
        return live(args.dlt)
    make_fixture(args.out, args.steps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
