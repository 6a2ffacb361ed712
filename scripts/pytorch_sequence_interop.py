#!/usr/bin/env python3
"""PyTorch -> dlt parity fixtures for the sequence models: configs/text_lstm.yaml,
configs/text_gru.yaml (bidirectional) and configs/text_transformer.yaml built in PyTorch.

Usage: pytorch_sequence_interop.py [--out DIR]     (needs torch: .venv-bench/bin/python)

Writes to DIR (default Tests/Fixtures/interop):
  sequence_inputs.npy              8 padded texts of 16 token ids, float32 (8, 16): trailing zeros
                                   are padding; one text is a single token; one has a 0 inside,
                                   which is a real token (padding is only the zeros at the end)
  <config>_torch.safetensors       the PyTorch state dict, each key prefixed with the dlt layer
                                   name and otherwise unchanged (`lstm_1.weight_ih_l0`,
                                   `gru_1.bias_hh_l0_reverse`, `attention.in_proj_weight`)
  <config>_torch_outputs.npy       PyTorch's sigmoid outputs on the inputs, (8, 1) float32
  <config>_torch_unmasked.npy      the same model with the padding treated as tokens (no packing,
                                   no key_padding_mask, a plain mean): a dlt that ignored masks
                                   would give these, and they differ from the outputs on every
                                   padded text, so the parity check would fail
  sequence_torch.json              torch/numpy versions and how the files were made
Tests/Interop/sequence_check.py checks dlt and its ONNX export against these files without torch.
"""
import argparse
import json
import os

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence
from safetensors.numpy import save_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VOCAB, LENGTH, DIM, UNITS = 1000, 16, 32, 32
# Real tokens per text; text 5 gets a 0 at position 2 (a token, not padding).
LENGTHS = [16, 12, 9, 5, 1, 16, 3, 7]
INNER_ZERO = (5, 2)


def inputs(rng):
    ids = np.zeros((len(LENGTHS), LENGTH), np.float32)
    for n, real in enumerate(LENGTHS):
        ids[n, :real] = rng.integers(1, VOCAB, real)
    ids[INNER_ZERO] = 0
    return ids


def lengths_of(ids):
    """1 + the position of the last non-zero id, as dlt's embedding marks padding."""
    nonzero = ids != 0
    return torch.tensor([int(np.nonzero(row)[0].max()) + 1 for row in nonzero])


class Recurrent(nn.Module):
    """embedding -> lstm/gru (final state h_n, forward then backward) -> linear -> sigmoid."""

    def __init__(self, cell, bidirectional):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, DIM)
        self.rnn = cell(DIM, UNITS, batch_first=True, bidirectional=bidirectional)
        self.dense = nn.Linear(UNITS * (2 if bidirectional else 1), 1)

    def forward(self, ids, lengths, masked=True):
        x = self.embedding(ids)
        if masked:
            x = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        h = self.rnn(x)[1]
        h = h[0] if isinstance(h, tuple) else h  # LSTM returns (h_n, c_n)
        return torch.sigmoid(self.dense(torch.cat(list(h), dim=1)))

    def dlt_state(self, name):
        return prefixed({"embedding_0": self.embedding, f"{name}_1": self.rnn, "dense_2": self.dense})


class Transformer(nn.Module):
    """configs/text_transformer.yaml: embedding, positional table, self-attention + add +
    layernorm, per-position feed-forward + add + layernorm, masked mean, linear + sigmoid."""

    def __init__(self):
        super().__init__()
        self.tokens = nn.Embedding(VOCAB, DIM)
        self.embedded = nn.Embedding(LENGTH, DIM)  # the learned [L, D] table
        nn.init.normal_(self.embedded.weight, std=0.3)
        self.attention = nn.MultiheadAttention(DIM, 4, batch_first=True)
        with torch.no_grad():  # non-zero biases exercise every term (PyTorch starts them at zero)
            self.attention.in_proj_bias.normal_(std=0.2)
            self.attention.out_proj.bias.normal_(std=0.2)
        self.norm1 = nn.LayerNorm(DIM)
        self.dense_5 = nn.Linear(DIM, 64)
        self.feedforward = nn.Linear(64, DIM)
        self.layernorm_8 = nn.LayerNorm(DIM)
        self.dense_10 = nn.Linear(DIM, 1)
        with torch.no_grad():  # layernorm's affine parameters away from ones and zeros
            for norm in (self.norm1, self.layernorm_8):
                norm.weight.add_(torch.randn(DIM) * 0.2)
                norm.bias.normal_(std=0.2)

    def forward(self, ids, lengths, masked=True):
        real = torch.arange(LENGTH)[None, :] < lengths[:, None]
        if not masked:
            real = torch.ones_like(real)
        x = self.tokens(ids) + self.embedded.weight
        attended = self.attention(x, x, x, key_padding_mask=~real if masked else None, need_weights=False)[0]
        h = self.norm1(x + attended)
        h = self.layernorm_8(h + self.feedforward(torch.relu(self.dense_5(h))))
        weights = real.float()[:, :, None]
        pooled = (h * weights).sum(dim=1) / weights.sum(dim=1)
        return torch.sigmoid(self.dense_10(pooled))

    def dlt_state(self):
        return prefixed({name: getattr(self, name) for name in
                         ("tokens", "embedded", "attention", "norm1", "dense_5", "feedforward", "layernorm_8", "dense_10")})


def prefixed(modules):
    """{dlt layer name: module} -> `<layer>.<PyTorch state-dict key>`, contiguous float32."""
    return {f"{layer}.{key}": np.ascontiguousarray(value.detach().numpy().astype(np.float32))
            for layer, module in modules.items() for key, value in module.state_dict().items()}


def write(out_dir, config, model, state, ids):
    tokens, lengths = torch.from_numpy(ids.astype(np.int64)), lengths_of(ids)
    model.eval()
    with torch.no_grad():
        outputs = model(tokens, lengths).numpy().astype(np.float32)
        unmasked = model(tokens, lengths, masked=False).numpy().astype(np.float32)
    padded = np.asarray(LENGTHS) < LENGTH
    gap = float(np.abs(outputs - unmasked)[padded].min())
    assert gap > 1e-3, f"{config}: masked and unmasked outputs differ by only {gap:.2e} on a padded text"
    save_file(state, os.path.join(out_dir, f"{config}_torch.safetensors"))
    np.save(os.path.join(out_dir, f"{config}_torch_outputs.npy"), outputs)
    np.save(os.path.join(out_dir, f"{config}_torch_unmasked.npy"), unmasked)
    print(f"{config}: outputs {outputs.ravel().round(4).tolist()}, smallest masked/unmasked gap {gap:.2e}")
    return {"tensors": sorted(state), "outputs": outputs.ravel().tolist(), "smallest_mask_gap": gap}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(ROOT, "Tests", "Fixtures", "interop"))
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    ids = inputs(np.random.default_rng(0))
    np.save(os.path.join(args.out, "sequence_inputs.npy"), ids)
    lstm, gru, transformer = Recurrent(nn.LSTM, False), Recurrent(nn.GRU, True), Transformer()
    models = {
        "text_lstm": write(args.out, "text_lstm", lstm, lstm.dlt_state("lstm"), ids),
        "text_gru": write(args.out, "text_gru", gru, gru.dlt_state("gru"), ids),
        "text_transformer": write(args.out, "text_transformer", transformer, transformer.dlt_state(), ids),
    }
    info = {
        "made_by": "scripts/pytorch_sequence_interop.py",
        "torch": torch.__version__, "numpy": np.__version__,
        "inputs": f"sequence_inputs.npy: token ids (8, 16) float32, real lengths {LENGTHS}, "
                  f"an inner 0 at {list(INNER_ZERO)}; default PyTorch initialisation, seed 0",
        "pytorch": "nn.LSTM / nn.GRU(bidirectional) with pack_padded_sequence, final h_n (forward then backward); "
                   "nn.MultiheadAttention(batch_first) with key_padding_mask, masked mean pool",
        "models": models,
    }
    with open(os.path.join(args.out, "sequence_torch.json"), "w") as handle:
        json.dump(info, handle, indent=2)
        handle.write("\n")


if __name__ == "__main__":
    main()
