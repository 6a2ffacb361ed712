"""(c) Checkpoints are plain safetensors: Python's `safetensors` opens them, their tensors equal
what `dlt export --format safetensors` writes, and the MLP's forward pass recomputed in numpy from
the checkpoint weights matches `dlt predict --format npy` within 1e-4.
"""
import os

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

from common import TOLERANCE, fashion_test_images


def check_export(dlt, report, run, name):
    checkpoint_path = os.path.join(run, "last.safetensors")
    exported_path = os.path.join(run, "weights.safetensors")
    try:
        checkpoint = load_file(checkpoint_path)
        with safe_open(checkpoint_path, framework="numpy") as handle:
            metadata = handle.metadata() or {}
    except Exception as error:
        report.check(f"checkpoint {name} opens with safetensors", False, str(error))
        return None
    has_config = "config" in metadata and "model:" in metadata["config"] and "epoch" in metadata
    report.check(f"checkpoint {name} opens with safetensors", bool(checkpoint) and has_config,
                 f"{len(checkpoint)} tensors, metadata keys {sorted(metadata)}")
    if not dlt.must(report, f"checkpoint {name} export", "export", checkpoint_path, "--format", "safetensors",
                    "-o", exported_path):
        return checkpoint
    exported = load_file(exported_path)
    model_names = sorted(k for k in checkpoint if not k.startswith("optimizer."))
    equal = sorted(exported) == model_names and all(np.array_equal(exported[k], checkpoint[k]) for k in exported)
    report.check(f"checkpoint {name} export equals checkpoint weights", equal,
                 f"{len(exported)} exported tensors, {len(model_names)} checkpoint weights"
                 + ("" if equal else f": exported {sorted(exported)}, checkpoint {model_names}"))
    return checkpoint


def check_mlp_forward(dlt, report, run, weights):
    """mnist_mlp: flatten; dense_1 relu; dense_2 softmax, with x = raw / 255."""
    raw = fashion_test_images(64)
    raw_path, out_path = os.path.join(run, "mlp_inputs.npy"), os.path.join(run, "mlp_out.npy")
    np.save(raw_path, raw)
    if not dlt.must(report, "checkpoint mnist_mlp predict", "predict", os.path.join(run, "last.safetensors"),
                    raw_path, "--format", "npy", "-o", out_path):
        return
    x = raw.reshape(len(raw), -1).astype(np.float64) / 255
    hidden = np.maximum(x @ weights["dense_1.weight"].T + weights["dense_1.bias"], 0)
    logits = hidden @ weights["dense_2.weight"].T + weights["dense_2.bias"]
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    want = exp / exp.sum(axis=1, keepdims=True)
    got = np.load(out_path)
    diff = float(np.abs(got - want).max()) if got.shape == want.shape else float("inf")
    report.check("checkpoint mnist_mlp numpy forward equals dlt predict", diff <= TOLERANCE,
                 f"{got.shape}, max |diff| {diff:.2e}")


def check_all(dlt, report, runs):
    """`runs`: {config name: run dir} from the ONNX checks."""
    report.check("checkpoint runs available", "mnist_mlp" in runs, f"{sorted(runs)}")
    for name in sorted(runs):
        weights = check_export(dlt, report, runs[name], name)
        if name == "mnist_mlp" and weights is not None:
            check_mlp_forward(dlt, report, runs[name], weights)
