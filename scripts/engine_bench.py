#!/usr/bin/env python3
"""PyTorch and onnxruntime sides of scripts/bench_vs_pytorch.sh's engine table: the same timing
as `dlt bench` (Sources/DLTTrain/Benchmark.swift) on one synthetic batch of the config's shapes.

    engine_bench.py pytorch CONFIG --batch-size B --threads T [--steps N]
        training steps (forward, the config's loss, backward, the config's optimizer) of the model
        built from CONFIG by torch_from_config.py, then inference passes (eval mode,
        torch.inference_mode(), with the output activation); torch.set_num_threads(T).
    engine_bench.py onnxruntime CONFIG MODEL.onnx --batch-size B --threads T [--steps N]
        session.run of `dlt export`'s ONNX file; intra_op_num_threads=T, inter_op_num_threads=1.
        This mode never imports torch, so its peak RSS is onnxruntime's own.

Each phase: 5 warm-up steps, then N timed steps, or (no --steps) as many as fill about a second
(at least 20), as dlt bench does. Inputs: N(0, 1) floats, or token ids in [1, vocab) for text
models (int64 for nn.Embedding, float32 for the ONNX model, whose input is float). Prints one
JSON line: framework, version, images_per_second (pytorch only), infer_images_per_second,
peak_rss_mb (ru_maxrss of this process).
"""
import argparse
import json
import resource
import sys
import time

import numpy as np

from dlt_config import load_config, token_vocab

WARMUP = 5


def timed(step, steps, seconds=1.0):
    """Images are counted by the caller; returns (timed steps, seconds)."""
    start = time.perf_counter()
    for _ in range(WARMUP):
        step()
    per_step = (time.perf_counter() - start) / WARMUP
    count = steps or min(max(int(seconds / max(per_step, 1e-9)), 20), 1_000_000)
    start = time.perf_counter()
    for _ in range(count):
        step()
    return count, time.perf_counter() - start


def synthetic_inputs(config, batch, rng):
    shape = (batch, *config["model"]["input"])
    vocab = token_vocab(config)
    if vocab:
        return rng.integers(1, vocab, size=shape).astype(np.int64)
    return rng.standard_normal(shape).astype(np.float32)


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kilobytes on Linux


def bench_pytorch(args, config, inputs, rng):
    import torch
    import torch_from_config

    torch.set_num_threads(args.threads)
    torch.manual_seed(7)
    model = torch_from_config.build(config)
    loss_fn = torch_from_config.loss_function(config)
    optimizer, clip_norm = torch_from_config.optimizer(config, model.parameters())
    x = torch.from_numpy(inputs)
    with torch.no_grad():
        out_shape = model(x).shape
    if config.get("loss", "cross_entropy") == "cross_entropy":
        target = torch.from_numpy(rng.integers(0, out_shape[1], size=args.batch_size))
    else:
        target = torch.from_numpy(rng.random(tuple(out_shape), dtype=np.float32))

    def train_step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), target)
        loss.backward()
        if clip_norm:
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
        optimizer.step()

    model.train()
    train_steps, train_seconds = timed(train_step, args.steps)
    model.eval()
    with torch.inference_mode():
        infer_steps, infer_seconds = timed(lambda: model.predict(x), args.steps)
    return {"framework": "pytorch", "version": torch.__version__,
            "images_per_second": train_steps * args.batch_size / train_seconds,
            "infer_images_per_second": infer_steps * args.batch_size / infer_seconds}


def bench_onnxruntime(args, inputs):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(args.onnx, options, providers=["CPUExecutionProvider"])
    feed = {session.get_inputs()[0].name: inputs.astype(np.float32)}
    infer_steps, infer_seconds = timed(lambda: session.run(None, feed), args.steps)
    return {"framework": "onnxruntime", "version": ort.__version__,
            "infer_images_per_second": infer_steps * args.batch_size / infer_seconds}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("framework", choices=["pytorch", "onnxruntime"])
    parser.add_argument("config")
    parser.add_argument("onnx", nargs="?", help="the exported model (onnxruntime only)")
    parser.add_argument("--batch-size", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--steps", type=int, default=0, help="timed steps per phase (default: about a second's worth)")
    args = parser.parse_args()
    if (args.framework == "onnxruntime") != (args.onnx is not None):
        parser.error("give MODEL.onnx for onnxruntime, and only for it")

    config = load_config(args.config)
    rng = np.random.default_rng(7)
    inputs = synthetic_inputs(config, args.batch_size, rng)
    if args.framework == "pytorch":
        result = bench_pytorch(args, config, inputs, rng)
    else:
        result = bench_onnxruntime(args, inputs)
    result.update(batch_size=args.batch_size, threads=args.threads, peak_rss_mb=peak_rss_mb())
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
