"""(f) PyTorch sequence models into dlt: the committed fixtures of scripts/pytorch_sequence_interop.py
(nn.LSTM, bidirectional nn.GRU and the nn.MultiheadAttention encoder of configs/text_*.yaml, state
dicts with PyTorch's own `weight_ih_l0` names under dlt layer names) load with `dlt train
--init-from --epochs 0`; `dlt predict` and the checkpoint's ONNX export in onnxruntime then give
PyTorch's outputs on padded batches within 1e-5. The fixture's unmasked outputs (padding read as
tokens) differ from its outputs on every padded text, so ignoring a mask fails the check.
"""
import os

import numpy as np
import onnxruntime
from safetensors.numpy import load_file, save_file

from common import FIXTURES

CONFIGS = ("text_lstm", "text_gru", "text_transformer")
INPUTS = os.path.join(FIXTURES, "sequence_inputs.npy")
PARITY = 1e-5
# Smallest |masked - unmasked| on a padded text for the fixture to prove that masks matter.
MASK_GAP = 1e-3


def dlt_name(torch_name):
    """The checkpoint name of a fixture tensor: PyTorch's layer suffix `_l0` dropped."""
    return torch_name.replace("_l0", "")


def max_diff(got, want):
    return float(np.abs(got.reshape(want.shape) - want).max()) if got.size == want.size else float("inf")


def check_fixture(report, name, ids, want):
    unmasked = np.load(os.path.join(FIXTURES, f"{name}_torch_unmasked.npy"))
    padded = (ids[:, -1] == 0)
    gap = float(np.abs(want - unmasked)[padded].min()) if padded.any() else 0.0
    report.check(f"sequence {name} fixture exercises masks", padded.sum() >= 2 and gap > MASK_GAP,
                 f"{int(padded.sum())} padded texts, smallest masked/unmasked gap {gap:.2e}")


def check_config(dlt, report, name, tmp):
    weights = os.path.join(FIXTURES, f"{name}_torch.safetensors")
    ids, want = np.load(INPUTS), np.load(os.path.join(FIXTURES, f"{name}_torch_outputs.npy"))
    check_fixture(report, name, ids, want)
    run = os.path.join(tmp, "sequence", name)
    if not dlt.must(report, f"sequence {name} --init-from", "train", f"configs/{name}.yaml", "--init-from", weights,
                    "--epochs", 0, "--out", run, "--overwrite"):
        return
    checkpoint_path = os.path.join(run, "last.safetensors")
    checkpoint, torch_weights = load_file(checkpoint_path), load_file(weights)
    unchanged = all(np.array_equal(checkpoint.get(dlt_name(k)), v) for k, v in torch_weights.items())
    report.check(f"sequence {name} checkpoint holds the PyTorch weights under dlt names", unchanged,
                 f"{len(torch_weights)} tensors, e.g. {sorted(torch_weights)[-1]} -> {dlt_name(sorted(torch_weights)[-1])}")
    out = os.path.join(run, "predict.npy")
    if dlt.must(report, f"sequence {name} predict", "predict", checkpoint_path, INPUTS, "--format", "npy", "-o", out):
        diff = max_diff(np.load(out), want)
        report.check(f"sequence {name} dlt predict matches PyTorch", diff <= PARITY, f"max |diff| {diff:.2e}")
    model = os.path.join(run, "model.onnx")
    if dlt.must(report, f"sequence {name} export", "export", checkpoint_path, "--format", "onnx", "-o", model):
        session = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"])
        diff = max_diff(session.run(["output"], {"input": ids})[0], want)
        report.check(f"sequence {name} onnxruntime matches PyTorch", diff <= PARITY, f"max |diff| {diff:.2e}")


def check_stray_layer(dlt, report, tmp):
    """A two-layer nn.LSTM's `_l1` tensors name nothing in a one-layer lstm: refused, exit 2."""
    weights = load_file(os.path.join(FIXTURES, "text_lstm_torch.safetensors"))
    path = os.path.join(tmp, "sequence", "two_layers.safetensors")
    save_file(dict(weights, **{"lstm_1.weight_ih_l1": weights["lstm_1.weight_hh_l0"]}), path)
    result = dlt.run("train", "configs/text_lstm.yaml", "--init-from", path, "--epochs", 0,
                     "--out", os.path.join(tmp, "sequence", "refused"), "--overwrite")
    lines = result.stderr.strip().splitlines()
    ok = result.returncode == 2 and len(lines) == 1 and "lstm_1.weight_ih_l1" in lines[0]
    report.check("sequence --init-from refuses a second PyTorch layer", ok, f"exit {result.returncode}, stderr {lines}")


def check_short_table(dlt, report, tmp):
    """A positional table is sized from model.input; a shorter one in a weights file is refused."""
    weights = load_file(os.path.join(FIXTURES, "text_transformer_torch.safetensors"))
    path = os.path.join(tmp, "sequence", "short_table.safetensors")
    save_file(dict(weights, **{"embedded.weight": np.ascontiguousarray(weights["embedded.weight"][:8])}), path)
    result = dlt.run("train", "configs/text_transformer.yaml", "--init-from", path, "--epochs", 0,
                     "--out", os.path.join(tmp, "sequence", "refused"), "--overwrite")
    lines = result.stderr.strip().splitlines()
    ok = result.returncode == 2 and len(lines) == 1 and "embedded.weight" in lines[0] and "(16, 32)" in lines[0]
    report.check("sequence --init-from refuses a positional table shorter than the input", ok,
                 f"exit {result.returncode}, stderr {lines}")


def check_all(dlt, report, tmp):
    os.makedirs(os.path.join(tmp, "sequence"), exist_ok=True)
    for name in CONFIGS:
        check_config(dlt, report, name, tmp)
    check_stray_layer(dlt, report, tmp)
    check_short_table(dlt, report, tmp)
