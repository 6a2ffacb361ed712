#!/usr/bin/env python3
"""PyTorch side of scripts/bench_vs_pytorch.sh's end-to-end rows: a seed model on Fashion-MNIST.

One epoch over the 60,000 Fashion-MNIST training images, then inference on the 10,000 test
images; prints one JSON line:
  {"framework": "pytorch", "config", "batch_size", "threads", "images_per_second",
   "infer_images_per_second", "test_accuracy", "train_loss", "peak_rss_mb", "torch"}

The model, loss and optimizer come from the config (scripts/torch_from_config.py): Keras' glorot
uniform weights and zero biases as dlt, the last softmax folded into CrossEntropyLoss (logits
in, the same gradient as softmax + NLL), Adam with the config's lr and dlt's eps 1e-7.

Timing: training images/s = 60,000 / wall time of the epoch loop (the data is already decoded,
scaled and in memory as one float32 tensor; the per-epoch shuffle is inside the timed loop
because dlt shuffles inside its epoch too). Inference images/s = 10,000 / wall time of the
test forward passes (batch B) under torch.inference_mode(). Peak RSS = ru_maxrss of this process.
"""
import argparse
import gzip
import json
import os
import resource
import sys
import time

import numpy as np
import torch

from dlt_config import load_config
import torch_from_config


def read_idx(path):
    """Reads an IDX file (gzip or raw): magic 0x00 0x00 dtype ndim, big-endian uint32 dims, data."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise SystemExit(f"pytorch_bench: {path}: not an unsigned-byte IDX file")
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    return data.reshape(dims)


def load_split(data_dir, prefix):
    """Images as float32 N x 1 x 28 x 28 scaled by 1/255, labels as int64 N."""
    images = read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1).contiguous()
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="configs/mnist_mlp.yaml or configs/mnist_cnn.yaml")
    parser.add_argument("--batch-size", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--train-limit", type=int, default=0, help="first N training images only (smoke runs)")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x_train, y_train = load_split(args.data_dir, "train")
    x_test, y_test = load_split(args.data_dir, "t10k")
    if args.train_limit > 0:
        x_train, y_train = x_train[:args.train_limit], y_train[:args.train_limit]

    config = load_config(args.config)
    model = torch_from_config.build(config)
    optimizer, _ = torch_from_config.optimizer(config, model.parameters())
    loss_fn = torch_from_config.loss_function(config)
    n = x_train.shape[0]
    b = args.batch_size

    model.train()
    loss_sum = 0.0
    start = time.perf_counter()
    order = torch.randperm(n)
    for i in range(0, n, b):
        idx = order[i:i + b]
        xb, yb = x_train[idx], y_train[idx]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * idx.numel()
    train_seconds = time.perf_counter() - start

    model.eval()
    infer_batch = b
    correct = 0
    start = time.perf_counter()
    with torch.inference_mode():
        for i in range(0, x_test.shape[0], infer_batch):
            logits = model(x_test[i:i + infer_batch])
            correct += int((logits.argmax(1) == y_test[i:i + infer_batch]).sum())
    infer_seconds = time.perf_counter() - start

    # ru_maxrss is in kilobytes on Linux.
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(json.dumps({
        "framework": "pytorch", "config": args.config, "batch_size": b, "threads": args.threads,
        "images_per_second": n / train_seconds, "train_seconds": train_seconds,
        "train_loss": loss_sum / n,
        "infer_images_per_second": x_test.shape[0] / infer_seconds, "infer_batch_size": infer_batch,
        "test_accuracy": correct / x_test.shape[0], "peak_rss_mb": peak_rss_mb,
        "torch": torch.__version__,
    }, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
