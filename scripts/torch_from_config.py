#!/usr/bin/env python3
"""A dlt config's model as PyTorch modules, so that the benchmark compares the same model.

    build(config) -> TorchModel      model.input and model.layers as torch modules
    loss_function(config)            the config's loss (on logits when the last activation folds into it)
    optimizer(config, parameters)    the config's optimizer, with dlt's defaults (docs/config.md)

Run as a script it checks the translation against `dlt summary` for every config given:
each layer's output shape and parameter count (batchnorm's running statistics included, as dlt
counts them), and the totals; it exits 1 when any config differs.

    scripts/torch_from_config.py --dlt .build/release/dlt configs/*.yaml

Tensors keep dlt's layouts: images (N, C, H, W), vectors (N, F), sequences (N, L, C) (channels
last, so conv1d and maxpool1d transpose around nn.Conv1d / nn.MaxPool1d), token ids (N, L).
Token ids go in as int64 (what nn.Embedding takes); the ONNX export takes them as float32.
Padding masks (embedding mask_zero) are not translated: the benchmark's token ids are in
[1, vocab), so no position is padding and the masked and unmasked models compute the same.
Initialisation follows dlt where it decides accuracy in the end-to-end rows (the `init` of dense
and convolutions, zero biases) and for the embedding tables (N(0, 0.05²), positional N(0, 0.02²));
recurrent and attention weights keep PyTorch's defaults (the benchmark times them, nothing more).
"""
import argparse
import math
import re
import subprocess
import sys

import torch
from torch import nn

from dlt_config import layer_specs, load_config, pair, same_padding, token_vocab


# --- modules for the layers torch.nn has no exact equivalent of --------------------------------

class Channels(nn.Module):
    """Runs a (N, C, L) module on a dlt (N, L, C) sequence, with optional (before, after) padding."""
    def __init__(self, inner, pad=(0, 0), pad_value=0.0):
        super().__init__()
        self.inner, self.pad, self.pad_value = inner, pad, pad_value

    def forward(self, x):
        x = x.transpose(1, 2)
        if any(self.pad):
            x = nn.functional.pad(x, self.pad, value=self.pad_value)
        return self.inner(x).transpose(1, 2)


class Padded2d(nn.Module):
    """Asymmetric `same` padding (left, right, top, bottom) in front of a 2-D conv or pool."""
    def __init__(self, inner, pad, pad_value=0.0):
        super().__init__()
        self.inner, self.pad, self.pad_value = inner, pad, pad_value

    def forward(self, x):
        return self.inner(nn.functional.pad(x, self.pad, value=self.pad_value))


class Reduce(nn.Module):
    """Mean or max over axes: global pools."""
    def __init__(self, how, dims):
        super().__init__()
        self.how, self.dims = how, dims

    def forward(self, x):
        return x.mean(dim=self.dims) if self.how == "mean" else x.amax(dim=self.dims)


class Reshape(nn.Module):
    def __init__(self, shape):
        super().__init__()
        self.shape = tuple(shape)

    def forward(self, x):
        return x.reshape(x.shape[0], *self.shape)


class TokenEmbedding(nn.Embedding):
    def forward(self, ids):
        return super().forward(ids.long())


class PositionalEmbedding(nn.Module):
    """A learned (L, D) table added to the sequence (N(0, 0.02²) as dlt)."""
    def __init__(self, length, dim):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(length, dim) * 0.02)

    def forward(self, x):
        return x + self.weight


class SelfAttention(nn.Module):
    def __init__(self, dim, heads, causal, dropout, length):
        super().__init__()
        self.attention = nn.MultiheadAttention(dim, heads, dropout=dropout, batch_first=True)
        mask = torch.triu(torch.ones(length, length, dtype=torch.bool), 1) if causal else None
        self.register_buffer("causal_mask", mask, persistent=False)

    def forward(self, x):
        return self.attention(x, x, x, attn_mask=self.causal_mask, need_weights=False)[0]


class Recurrent(nn.Module):
    """nn.LSTM / nn.GRU, batch_first; the whole sequence or the last state of each direction
    (forward, then backward: PyTorch's h_n, as dlt concatenates them)."""
    def __init__(self, kind, features, units, return_sequences, bidirectional):
        super().__init__()
        cell = nn.LSTM if kind == "lstm" else nn.GRU
        self.rnn = cell(features, units, batch_first=True, bidirectional=bidirectional)
        self.return_sequences = return_sequences

    def forward(self, x):
        out, state = self.rnn(x)
        if self.return_sequences:
            return out
        h = state[0] if isinstance(state, tuple) else state  # LSTM's state is (h_n, c_n)
        return torch.cat(list(h), dim=1)


class Sum(nn.Module):
    def forward(self, *xs):
        return torch.stack(xs).sum(0) if len(xs) > 2 else xs[0] + xs[1]


class Concat(nn.Module):
    def __init__(self, axis):
        super().__init__()
        self.axis = axis

    def forward(self, *xs):
        return torch.cat(xs, dim=self.axis)


def activation_module(name, alpha=0.01):
    modules = {"linear": nn.Identity, "relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "gelu": nn.GELU}
    if name == "leaky_relu":
        return nn.LeakyReLU(alpha)
    if name == "softmax":
        return nn.Softmax(dim=1)  # dlt: over per-sample axis 0, features or channels
    if name not in modules:
        raise ValueError(f"unknown activation {name!r}")
    return modules[name]()


ACTIVATION_LAYERS = {"relu", "leaky_relu", "sigmoid", "tanh", "gelu", "softmax"}

INITS = {
    "glorot_uniform": nn.init.xavier_uniform_, "xavier_uniform": nn.init.xavier_uniform_,
    "glorot_normal": nn.init.xavier_normal_, "xavier_normal": nn.init.xavier_normal_,
    "he_uniform": nn.init.kaiming_uniform_, "kaiming_uniform": nn.init.kaiming_uniform_,
    "he_normal": nn.init.kaiming_normal_, "kaiming_normal": nn.init.kaiming_normal_,
    "zeros": nn.init.zeros_, "ones": nn.init.ones_,
}


def initialize(module, init):
    """dlt's `init` on a weight (default glorot_uniform, Keras'), biases zero."""
    spec = init if isinstance(init, dict) else {"name": init}
    name = spec["name"]
    if name == "normal":
        nn.init.normal_(module.weight, std=spec.get("std", 0.05))
    elif name == "constant":
        nn.init.constant_(module.weight, spec.get("value", 0.0))
    else:
        INITS[name](module.weight)
    if module.bias is not None:
        nn.init.zeros_(module.bias)


# --- one layer ------------------------------------------------------------------------------------

def make_layer(kind, keys, shapes):
    """The module of one layer over per-sample input shapes (tuples), without its activation."""
    shape = shapes[0]
    if kind in ACTIVATION_LAYERS:
        return nn.Identity()
    if kind == "dense":
        module = nn.Linear(shape[-1], keys["units"], bias=keys.get("use_bias", True))
        initialize(module, keys.get("init", "glorot_uniform"))
        return module
    if kind == "conv2d":
        k, s, d = pair(keys["kernel"]), pair(keys.get("stride", 1)), pair(keys.get("dilation", 1))
        padding, pad = keys.get("padding", "valid"), None
        if padding == "valid":
            padding = 0
        elif padding == "same":
            (top, bottom), (left, right) = (same_padding(shape[i + 1], k[i], s[i], d[i]) for i in range(2))
            padding, pad = ((top, left), None) if (top, left) == (bottom, right) else (0, (left, right, top, bottom))
        conv = nn.Conv2d(shape[0], keys["filters"], k, stride=s, padding=pair(padding), dilation=d,
                         bias=keys.get("use_bias", True))
        initialize(conv, keys.get("init", "glorot_uniform"))
        return Padded2d(conv, pad) if pad else conv
    if kind == "conv_transpose2d":
        k, s = pair(keys["kernel"]), pair(keys.get("stride", 1))
        padding = keys.get("padding", "valid")
        # dlt's `same`: (k - stride) / 2 per side, so that output = input * stride.
        padding = {"valid": (0, 0), "same": ((k[0] - s[0]) // 2, (k[1] - s[1]) // 2)}.get(padding, padding)
        conv = nn.ConvTranspose2d(shape[0], keys["filters"], k, stride=s, padding=pair(padding),
                                  output_padding=pair(keys.get("output_padding", 0)), bias=keys.get("use_bias", True))
        initialize(conv, keys.get("init", "glorot_uniform"))
        return conv
    if kind in ("maxpool2d", "avgpool2d"):
        k = pair(keys.get("size", 2))
        s = pair(keys.get("stride", keys.get("size", 2)))
        padding = keys.get("padding", "valid")
        if kind == "maxpool2d":
            if padding == "same":  # padding counts as -inf (PyTorch's max pool)
                (top, bottom), (left, right) = (same_padding(shape[i + 1], k[i], s[i], 1) for i in range(2))
                return Padded2d(nn.MaxPool2d(k, s), (left, right, top, bottom), -math.inf)
            return nn.MaxPool2d(k, s, padding=pair(0 if padding == "valid" else padding))
        if padding == "same":  # Keras' same: only pixels inside the image count
            (top, bottom), (left, right) = (same_padding(shape[i + 1], k[i], s[i], 1) for i in range(2))
            if (top, left) != (bottom, right):
                raise ValueError("avgpool2d padding 'same' with uneven padding has no nn.AvgPool2d equivalent")
            return nn.AvgPool2d(k, s, padding=(top, left), count_include_pad=False)
        return nn.AvgPool2d(k, s, padding=pair(0 if padding == "valid" else padding))
    if kind == "global_avgpool2d":
        return Reduce("mean", (2, 3))
    if kind == "flatten":
        return nn.Flatten()
    if kind == "reshape":
        return Reshape(keys["shape"])
    if kind == "batchnorm":
        # dlt normalises per-sample axis 0 over the batch and every later axis, as nn.BatchNorm1d
        # on (N, C) or (N, C, L) and nn.BatchNorm2d on (N, C, H, W).
        norm = nn.BatchNorm2d if len(shape) == 3 else nn.BatchNorm1d
        return norm(shape[0], eps=keys.get("epsilon", 1e-5), momentum=keys.get("momentum", 0.1))
    if kind == "dropout":
        return nn.Dropout(keys.get("rate", 0.5))
    if kind == "embedding":
        module = TokenEmbedding(keys["vocab"], keys["dim"])
        nn.init.normal_(module.weight, std=0.05)  # dlt's default; PyTorch's N(0, 1) would be a different model
        return module
    if kind == "global_avgpool1d":
        return Reduce("mean", (1,))
    if kind == "global_maxpool1d":
        return Reduce("max", (1,))
    if kind == "conv1d":
        k, s, d = keys["kernel"], keys.get("stride", 1), keys.get("dilation", 1)
        padding = keys.get("padding", "valid")
        pad = {"valid": (0, 0), "same": same_padding(shape[0], k, s, d)}.get(padding, (padding, padding))
        # Even padding goes to nn.Conv1d itself (no padded copy); only an uneven `same` pads first.
        even = pad[0] == pad[1]
        conv = nn.Conv1d(shape[1], keys["filters"], k, stride=s, padding=pad[0] if even else 0, dilation=d,
                         bias=keys.get("use_bias", True))
        initialize(conv, keys.get("init", "glorot_uniform"))
        return Channels(conv) if even else Channels(conv, pad)
    if kind == "maxpool1d":
        size = keys.get("size", 2)
        return Channels(nn.MaxPool1d(size, keys.get("stride", size)))
    if kind in ("lstm", "gru"):
        return Recurrent(kind, shape[1], keys["units"], keys.get("return_sequences", False),
                         keys.get("bidirectional", False))
    if kind == "layernorm":
        return nn.LayerNorm(shape[-1], eps=keys.get("epsilon", 1e-5))
    if kind == "positional_embedding":
        return PositionalEmbedding(shape[0], shape[1])
    if kind == "multihead_attention":
        return SelfAttention(shape[1], keys["heads"], keys.get("causal", False), keys.get("dropout", 0.0),
                             shape[0])
    if kind == "add":
        return Sum()
    if kind == "concat":
        return Concat(keys.get("axis", 1))
    raise ValueError(f"no PyTorch translation for layer type {kind!r}")


# --- the model -------------------------------------------------------------------------------------

FUSED_ACTIVATION = {"cross_entropy": "softmax", "binary_cross_entropy": "sigmoid"}


class TorchModel(nn.Module):
    """The config's layer DAG. `forward` gives what the loss takes (logits when the last
    activation folds into the loss, as dlt's graph does); `predict` adds that activation back,
    as dlt's inference and its ONNX export do."""

    def __init__(self, config):
        super().__init__()
        self.input_shape = tuple(config["model"]["input"])
        self.layers = nn.ModuleDict()
        self.nodes = []  # (name, inputs, activation name, activation module)
        self.shapes = {"input": self.input_shape}
        previous = "input"
        probe = {"input": self._probe(self.input_shape, token_vocab(config))}
        for kind, name, keys, inputs in layer_specs(config):
            inputs = inputs or [previous]
            self.layers[name] = module = make_layer(kind, keys, [self.shapes[i] for i in inputs])
            act_name = kind if kind in ACTIVATION_LAYERS else keys.get("activation", "linear")
            act = activation_module(act_name, keys.get("alpha", 0.01))
            self.nodes.append((name, inputs, act_name, act))
            # Shapes come from running each new layer on a probe batch of 2 (batchnorm needs > 1).
            module.eval()
            with torch.no_grad():
                probe[name] = act(module(*(probe[i] for i in inputs)))
            self.shapes[name] = tuple(probe[name].shape[1:])
            previous = name
        self.output_name = previous
        self.output_activation = nn.Identity()
        last_name, last_inputs, last_act_name, last_act = self.nodes[-1]
        if last_act_name == FUSED_ACTIVATION.get(config.get("loss", "cross_entropy")):
            self.output_activation = last_act
            self.nodes[-1] = (last_name, last_inputs, "linear", nn.Identity())
        self.train()

    @staticmethod
    def _probe(shape, vocab):
        return torch.ones(2, *shape, dtype=torch.long) if vocab else torch.zeros(2, *shape)

    def forward(self, x):
        values = {"input": x}
        for name, inputs, _, act in self.nodes:
            values[name] = act(self.layers[name](*(values[i] for i in inputs)))
        return values[self.output_name]

    def predict(self, x):
        return self.output_activation(self(x))

    def layer_counts(self):
        """{layer name: parameters + batchnorm running statistics}, dlt's Param # column."""
        counts = {}
        for name, module in self.layers.items():
            buffers = sum(b.numel() for n, b in module.named_buffers() if n.endswith(("running_mean", "running_var")))
            counts[name] = sum(p.numel() for p in module.parameters()) + buffers
        return counts


def build(config):
    return TorchModel(config)


def loss_function(config):
    """dlt's losses on the model's forward output: cross-entropy and binary cross-entropy take
    logits (dlt always scores logits, folding a final softmax / sigmoid into the loss)."""
    loss = config.get("loss", "cross_entropy")
    return {"cross_entropy": nn.CrossEntropyLoss, "binary_cross_entropy": nn.BCEWithLogitsLoss,
            "mse": nn.MSELoss}[loss]()


def optimizer(config, parameters):
    """The config's optimizer with dlt's defaults (docs/config.md). Returns (optimizer, clip_norm)."""
    spec = config.get("optimizer", "adam")
    spec = {"name": spec} if isinstance(spec, str) else dict(spec)
    name = spec["name"]
    lr = spec.get("lr", 0.01 if name in ("sgd", "adagrad") else 0.001)
    decay = spec.get("weight_decay", 0.01 if name == "adamw" else 0.0)
    eps = spec.get("epsilon", 1e-7)
    if name == "sgd":
        opt = torch.optim.SGD(parameters, lr=lr, momentum=spec.get("momentum", 0.0),
                              nesterov=spec.get("nesterov", False), weight_decay=decay)
    elif name in ("adam", "adamw"):
        cls = torch.optim.Adam if name == "adam" else torch.optim.AdamW
        opt = cls(parameters, lr=lr, betas=(spec.get("beta1", 0.9), spec.get("beta2", 0.999)), eps=eps,
                  weight_decay=decay)
    elif name == "rmsprop":
        opt = torch.optim.RMSprop(parameters, lr=lr, alpha=spec.get("rho", 0.9), eps=eps,
                                  momentum=spec.get("momentum", 0.0), weight_decay=decay)
    elif name == "adagrad":
        opt = torch.optim.Adagrad(parameters, lr=lr, eps=eps, weight_decay=decay)
    else:
        raise ValueError(f"unknown optimizer {name!r}")
    return opt, spec.get("clip_norm")


# --- the check against dlt summary -------------------------------------------------------------

SUMMARY_ROW = re.compile(r"^(\S+) \((\w+)\)\s+\(([\d, ]+)\)\s+([\d,]+)\s")


def dlt_summary(dlt, path):
    """{layer name: (output shape, Param #)} and the total from `dlt summary`."""
    run = subprocess.run([dlt, "summary", path], capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"translator: {dlt} summary {path} failed: {run.stderr.strip()}")
    text = run.stdout
    layers = {}
    for line in text.splitlines():
        m = SUMMARY_ROW.match(line)
        if m:
            shape = tuple(int(v) for v in m.group(3).split(","))
            layers[m.group(1)] = (shape, int(m.group(4).replace(",", "")))
    total = int(re.search(r"Total params: ([\d,]+)", text).group(1).replace(",", ""))
    return layers, total


def check(dlt, path):
    """Compares the translation of one config with `dlt summary`; returns a list of mismatches."""
    layers, total = dlt_summary(dlt, path)
    model = build(load_config(path))
    counts = model.layer_counts()
    problems = []
    if list(layers) != list(counts):
        problems.append(f"layers differ: dlt {list(layers)}, PyTorch {list(counts)}")
    for name, (shape, params) in layers.items():
        if name in counts and (model.shapes[name], counts[name]) != (shape, params):
            problems.append(f"{name}: dlt {shape} {params} params, PyTorch {model.shapes[name]} {counts[name]} params")
    if sum(counts.values()) != total:
        problems.append(f"total: dlt {total}, PyTorch {sum(counts.values())}")
    return problems, total


def main():
    parser = argparse.ArgumentParser(description="Check the PyTorch translation of dlt configs against `dlt summary`.")
    parser.add_argument("configs", nargs="+")
    parser.add_argument("--dlt", default=".build/release/dlt")
    args = parser.parse_args()
    failed = False
    for path in args.configs:
        problems, total = check(args.dlt, path)
        status = "ok" if not problems else "MISMATCH"
        print(f"translator: {path}: {total:,} parameters, shapes and counts per layer {status}", file=sys.stderr)
        for p in problems:
            print(f"translator:   {p}", file=sys.stderr)
        failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
