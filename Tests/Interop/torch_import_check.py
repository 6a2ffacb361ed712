"""(b) PyTorch weights into dlt: the committed fixture (scripts/pytorch_interop.py: the seed CNN
trained in PyTorch, state_dict renamed to dlt layer names) loads with `dlt train --init-from
--epochs 0`, and `dlt predict` then matches PyTorch's softmax within 1e-4. Broken weight files
(wrong shape, a missing tensor, F64 dtype) are refused with exit 2 and one line naming the tensor.
Fine-tuning with `train: {freeze: [...]}` leaves the frozen imported weights unchanged.
"""
import os

import numpy as np
from safetensors.numpy import load_file, save_file

from common import FIXTURES, ROOT, TOLERANCE

CONFIG = "configs/mnist_cnn.yaml"
WEIGHTS = os.path.join(FIXTURES, "seed_cnn_torch.safetensors")
INPUTS = os.path.join(FIXTURES, "seed_cnn_inputs.npy")
PROBS = os.path.join(FIXTURES, "seed_cnn_torch_probs.npy")


def check_predictions(dlt, report, tmp):
    run = os.path.join(tmp, "torch", "imported")
    if not dlt.must(report, "torch import train --epochs 0", "train", CONFIG, "--init-from", WEIGHTS,
                    "--epochs", 0, "--out", run, "--overwrite"):
        return
    checkpoint = load_file(os.path.join(run, "last.safetensors"))
    torch_weights = load_file(WEIGHTS)
    unchanged = all(np.array_equal(checkpoint[k], v) for k, v in torch_weights.items())
    report.check("torch import weights unchanged by --epochs 0", unchanged, f"{len(torch_weights)} tensors")
    out = os.path.join(run, "out.npy")
    if not dlt.must(report, "torch import predict", "predict", os.path.join(run, "last.safetensors"), INPUTS,
                    "--format", "npy", "-o", out):
        return
    got, want = np.load(out), np.load(PROBS)
    diff = float(np.abs(got - want).max()) if got.shape == want.shape else float("inf")
    report.check("torch import predictions match PyTorch", diff <= TOLERANCE,
                 f"{got.shape} vs {want.shape}, max |diff| {diff:.2e}")


def expect_refusal(dlt, report, tmp, label, tensors, tensor_name):
    """Writes `tensors` as a weights file; --init-from must exit 2 with one stderr line naming `tensor_name`."""
    path = os.path.join(tmp, "torch", f"{label.replace(' ', '_')}.safetensors")
    save_file(tensors, path)
    result = dlt.run("train", CONFIG, "--init-from", path, "--epochs", 0,
                     "--out", os.path.join(tmp, "torch", "refused"), "--overwrite")
    lines = result.stderr.strip().splitlines()
    ok = result.returncode == 2 and len(lines) == 1 and tensor_name in lines[0] and "dlt: error:" in lines[0]
    report.check(f"torch import refuses {label}", ok, f"exit {result.returncode}, stderr {lines}")


def check_refusals(dlt, report, tmp):
    weights = load_file(WEIGHTS)
    transposed = dict(weights, **{"dense_5.weight": np.ascontiguousarray(weights["dense_5.weight"].T)})
    expect_refusal(dlt, report, tmp, "wrong shape", transposed, "dense_5.weight")
    missing = {k: v for k, v in weights.items() if k != "dense_6.bias"}
    expect_refusal(dlt, report, tmp, "missing tensor", missing, "dense_6.bias")
    as_f64 = {k: v.astype(np.float64) for k, v in weights.items()}
    expect_refusal(dlt, report, tmp, "F64 dtype", as_f64, "conv2d_0")
    stray = dict(weights, **{"dense_7.weight": np.zeros((2, 2), np.float32)})
    expect_refusal(dlt, report, tmp, "unknown tensor", stray, "dense_7.weight")


def check_freeze(dlt, report, tmp):
    """Fine-tunes only the head: conv weights must equal the imported ones after training steps."""
    with open(os.path.join(ROOT, CONFIG)) as handle:
        text = handle.read()
    head = "train: {epochs: 5, batch_size: 32}"
    if head not in text:
        report.check("torch import freeze", False, f"{CONFIG} has no line '{head}' to edit")
        return
    config = os.path.join(tmp, "torch", "finetune.yaml")
    with open(config, "w") as handle:
        handle.write(text.replace(head, "train: {epochs: 1, batch_size: 32, freeze: [conv2d_0, conv2d_2]}"))
    run = os.path.join(tmp, "torch", "finetune")
    if not dlt.must(report, "torch import freeze train", "train", config, "--init-from", WEIGHTS,
                    "--max-steps", 5, "--train-limit", 256, "--out", run, "--overwrite"):
        return
    tuned, imported = load_file(os.path.join(run, "last.safetensors")), load_file(WEIGHTS)
    frozen = [k for k in imported if k.startswith("conv2d_")]
    same = all(np.array_equal(tuned[k], imported[k]) for k in frozen)
    moved = not np.array_equal(tuned["dense_6.weight"], imported["dense_6.weight"])
    report.check("torch import freeze keeps conv weights, trains the head", same and moved,
                 f"frozen unchanged: {same}, dense_6 changed: {moved}")


def check_all(dlt, report, tmp):
    os.makedirs(os.path.join(tmp, "torch"), exist_ok=True)
    check_predictions(dlt, report, tmp)
    check_refusals(dlt, report, tmp)
    check_freeze(dlt, report, tmp)
