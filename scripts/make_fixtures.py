#!/usr/bin/env python3
"""Writes PyTorch reference fixtures into Tests/Fixtures/ (one small JSON file per case).

Run with the bench venv:  .venv-bench/bin/python scripts/make_fixtures.py
Each file records the torch version and the seed it was made with. Tensors are stored as
{"shape": [...], "data": [...]} in PyTorch's own layouts (NCHW; linear weight [out, in];
conv weight [out, in, kh, kw]; conv-transpose weight [in, out, kh, kw]); float32 values are
written as the exact doubles they are, so nothing is lost on the way to Swift.
Tests/DLTNNTests/PyTorchFixtureTests.swift and Tests/DLTOptimTests/PyTorchOptimizerFixtureTests.swift
read them.
"""
import json
import os

import torch
import torch.nn.functional as F

SEED = 20240611
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures")


def tensor(t):
    t = t.detach().to(torch.float32)
    return {"shape": list(t.shape), "data": t.double().flatten().tolist()}


def labels(t):
    return {"shape": list(t.shape), "data": [int(v) for v in t.flatten().tolist()]}


def write(name, config, tensors):
    document = {"fixture": name, "torch_version": torch.__version__, "seed": SEED,
                "config": config, "tensors": tensors}
    path = os.path.join(OUT, name + ".json")
    with open(path, "w") as f:
        json.dump(document, f, separators=(",", ":"))
        f.write("\n")
    size = os.path.getsize(path)
    assert size < 100_000, f"{path} is {size} bytes"
    print(f"{path}: {size} bytes")


def randn(*shape):
    return torch.randn(*shape, dtype=torch.float32)


def dense():
    torch.manual_seed(SEED)
    layer = torch.nn.Linear(5, 4)
    x = randn(3, 5)
    write("dense", {"units": 4}, {"input": tensor(x), "weight": tensor(layer.weight),
                                  "bias": tensor(layer.bias), "output": tensor(layer(x))})


def conv2d(name, input_shape, filters, kernel, stride, padding, dilation):
    torch.manual_seed(SEED)
    layer = torch.nn.Conv2d(input_shape[1], filters, kernel, stride=stride, padding=padding, dilation=dilation)
    x = randn(*input_shape)
    write(name, {"filters": filters, "kernel": list(kernel), "stride": list(stride),
                 "padding": list(padding), "dilation": list(dilation)},
          {"input": tensor(x), "weight": tensor(layer.weight), "bias": tensor(layer.bias),
           "output": tensor(layer(x))})


def conv_transpose2d():
    torch.manual_seed(SEED)
    layer = torch.nn.ConvTranspose2d(3, 2, (3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))
    x = randn(2, 3, 4, 5)
    write("conv_transpose2d", {"filters": 2, "kernel": [3, 3], "stride": [2, 2], "padding": [1, 1],
                               "output_padding": [1, 1]},
          {"input": tensor(x), "weight": tensor(layer.weight), "bias": tensor(layer.bias),
           "output": tensor(layer(x))})


def pool(name, kind, input_shape, size, stride, padding):
    torch.manual_seed(SEED)
    x = randn(*input_shape)
    if kind == "max":
        y = F.max_pool2d(x, size, stride=stride, padding=padding)
    else:
        y = F.avg_pool2d(x, size, stride=stride, padding=padding)
    write(name, {"size": list(size), "stride": list(stride), "padding": list(padding)},
          {"input": tensor(x), "output": tensor(y)})


def batchnorm2d():
    torch.manual_seed(SEED)
    layer = torch.nn.BatchNorm2d(3, momentum=0.1, eps=1e-5)
    with torch.no_grad():
        layer.weight.copy_(torch.rand(3) + 0.5)
        layer.bias.copy_(randn(3) * 0.2)
        layer.running_mean.copy_(randn(3) * 0.3)
        layer.running_var.copy_(torch.rand(3) + 0.5)
    x = randn(4, 3, 5, 6) * 1.5 + 0.7
    initial = {"weight": tensor(layer.weight), "bias": tensor(layer.bias),
               "running_mean": tensor(layer.running_mean), "running_var": tensor(layer.running_var)}
    layer.eval()
    eval_output = layer(x)
    layer.train()
    train_output = layer(x)
    write("batchnorm2d", {"momentum": 0.1, "epsilon": 1e-5},
          dict(initial, input=tensor(x), eval_output=tensor(eval_output), train_output=tensor(train_output),
               updated_running_mean=tensor(layer.running_mean),
               updated_running_var=tensor(layer.running_var)))


def losses():
    torch.manual_seed(SEED)
    logits = randn(5, 7).mul(3).requires_grad_()
    classes = torch.randint(0, 7, (5,))
    ce = F.cross_entropy(logits, classes)
    ce.backward()
    write("loss_cross_entropy", {"loss": ce.item()},
          {"logits": tensor(logits), "labels": labels(classes), "gradient": tensor(logits.grad)})

    logits = randn(4, 3).mul(4).requires_grad_()
    targets = torch.rand(4, 3)
    bce = F.binary_cross_entropy_with_logits(logits, targets)
    bce.backward()
    write("loss_binary_cross_entropy", {"loss": bce.item()},
          {"logits": tensor(logits), "targets": tensor(targets), "gradient": tensor(logits.grad)})

    predictions = randn(3, 4).requires_grad_()
    targets = randn(3, 4)
    mse = F.mse_loss(predictions, targets)
    mse.backward()
    write("loss_mse", {"loss": mse.item()},
          {"predictions": tensor(predictions), "targets": tensor(targets), "gradient": tensor(predictions.grad)})


def optimizer_steps(name, make, config, steps=3):
    """A (2, 3) parameter stepped `steps` times with fixed gradients; records θ after each step."""
    torch.manual_seed(SEED)
    theta = randn(2, 3).requires_grad_()
    optimizer = make([theta])
    initial = theta.detach().clone()
    tensors = {"initial": tensor(initial)}
    for step in range(1, steps + 1):
        gradient = randn(2, 3)
        theta.grad = gradient.clone()
        optimizer.step()
        tensors[f"gradient_{step}"] = tensor(gradient)
        tensors[f"value_{step}"] = tensor(theta)
    write(name, dict(config, steps=steps), tensors)


def layernorm():
    """nn.LayerNorm over the last axis of (N, L, F), with weight and bias away from ones and zeros."""
    torch.manual_seed(SEED)
    layer = torch.nn.LayerNorm(6, eps=1e-5)
    with torch.no_grad():
        layer.weight.copy_(torch.rand(6) + 0.5)
        layer.bias.copy_(randn(6) * 0.3)
    x = randn(2, 5, 6) * 2 + 0.5
    write("layernorm", {"epsilon": 1e-5},
          {"input": tensor(x), "weight": tensor(layer.weight), "bias": tensor(layer.bias), "output": tensor(layer(x))})


def dense_sequence():
    """nn.Linear applied per position on (N, L, F)."""
    torch.manual_seed(SEED)
    layer = torch.nn.Linear(5, 4)
    x = randn(2, 7, 5)
    write("dense_sequence", {"units": 4}, {"input": tensor(x), "weight": tensor(layer.weight),
                                           "bias": tensor(layer.bias), "output": tensor(layer(x))})


def multihead_attention(name, length, heads, causal, padded):
    """nn.MultiheadAttention(6, heads, batch_first=True) self-attention in eval mode.

    `padded[n]` trailing keys of sample n are padding (key_padding_mask True there; stored as
    "mask" with dlt's convention, 1 real / 0 padding). Every query keeps at least one key, so
    PyTorch gives no NaN rows. Weights are stored under their state-dict names.
    """
    torch.manual_seed(SEED)
    dim = 6
    layer = torch.nn.MultiheadAttention(dim, heads, batch_first=True)
    with torch.no_grad():  # non-zero biases exercise every term (PyTorch starts them at zero)
        layer.in_proj_bias.copy_(randn(3 * dim) * 0.2)
        layer.out_proj.bias.copy_(randn(dim) * 0.2)
    layer.eval()
    x = randn(len(padded), length, dim)
    key_padding = torch.zeros(len(padded), length, dtype=torch.bool)
    for n, count in enumerate(padded):
        if count:
            key_padding[n, length - count:] = True
    attn_mask = torch.triu(torch.ones(length, length, dtype=torch.bool), diagonal=1) if causal else None
    with torch.no_grad():
        y, _ = layer(x, x, x, key_padding_mask=key_padding if any(padded) else None,
                     attn_mask=attn_mask, need_weights=False)
    state = layer.state_dict()
    write(name, {"heads": heads, "causal": causal, "padded": list(padded)},
          dict({key: tensor(state[key]) for key in ("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias")},
               input=tensor(x), mask=tensor((~key_padding).float()), output=tensor(y)))


def sequence_layers():
    """The Transformer layers' fixtures only (scripts/make_fixtures.py's other cases untouched):
    .venv-bench/bin/python -c 'import sys; sys.path.insert(0, "scripts"); import make_fixtures as m; m.sequence_layers()'
    """
    os.makedirs(OUT, exist_ok=True)
    layernorm()
    dense_sequence()
    multihead_attention("multihead_attention_padding", 5, 2, causal=False, padded=(2, 0, 1))
    multihead_attention("multihead_attention_causal", 7, 2, causal=True, padded=(0, 0))
    multihead_attention("multihead_attention_causal_padding", 5, 3, causal=True, padded=(0, 3))
def conv1d(name, input_shape, filters, kernel, stride, padding, dilation):
    """nn.Conv1d on a (N, L, C) sequence, dlt's channels-last layout: PyTorch reads the input
    transposed to (N, C, L) and its (N, F, L') output is stored transposed back to (N, L', F).
    The weight stays in PyTorch's [F, C, k]."""
    torch.manual_seed(SEED)
    layer = torch.nn.Conv1d(input_shape[2], filters, kernel, stride=stride, padding=padding, dilation=dilation)
    x = randn(*input_shape)
    y = layer(x.transpose(1, 2)).transpose(1, 2)
    write(name, {"filters": filters, "kernel": kernel, "stride": stride, "padding": padding,
                 "dilation": dilation, "layout": "NLC"},
          {"input": tensor(x), "weight": tensor(layer.weight), "bias": tensor(layer.bias), "output": tensor(y)})


def sequence_pools():
    """nn.MaxPool1d and the max over dim 1 on (N, L, C) sequences (stored channels-last)."""
    torch.manual_seed(SEED)
    x = randn(2, 9, 3)
    y = torch.nn.MaxPool1d(3, stride=2)(x.transpose(1, 2)).transpose(1, 2)
    write("maxpool1d_3_stride2", {"size": 3, "stride": 2, "layout": "NLC"}, {"input": tensor(x), "output": tensor(y)})
    x = randn(3, 7, 4)
    y = torch.nn.MaxPool1d(2)(x.transpose(1, 2)).transpose(1, 2)
    write("maxpool1d_2", {"size": 2, "stride": 2, "layout": "NLC"}, {"input": tensor(x), "output": tensor(y)})
    x = randn(3, 7, 4)
    write("global_maxpool1d", {"layout": "NLC"}, {"input": tensor(x), "output": tensor(x.amax(dim=1))})


def main():
    os.makedirs(OUT, exist_ok=True)
    dense()
    conv2d("conv2d_stride2_pad1", (2, 3, 7, 6), 4, (3, 2), (2, 2), (1, 1), (1, 1))
    conv2d("conv2d_dilation", (1, 2, 9, 8), 3, (3, 3), (1, 1), (1, 1), (2, 2))
    conv_transpose2d()
    pool("maxpool2d_2x2", "max", (2, 3, 6, 7), (2, 2), (2, 2), (0, 0))
    pool("maxpool2d_3x3_stride2_pad1", "max", (2, 3, 7, 6), (3, 3), (2, 2), (1, 1))
    pool("avgpool2d_2x2", "avg", (2, 3, 6, 7), (2, 2), (2, 2), (0, 0))
    batchnorm2d()
    conv1d("conv1d_valid", (2, 8, 3), 4, 3, 1, 0, 1)
    conv1d("conv1d_stride2_pad1", (2, 9, 3), 4, 3, 2, 1, 1)
    conv1d("conv1d_dilation2", (2, 10, 2), 3, 3, 1, 2, 2)
    conv1d("conv1d_dilation2_stride2", (3, 11, 2), 2, 2, 2, 1, 2)
    sequence_pools()
    losses()
    sequence_layers()
    adam = {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-7, "weight_decay": 0.01}
    optimizer_steps("optim_adam", lambda p: torch.optim.Adam(
        p, lr=adam["lr"], betas=(adam["beta1"], adam["beta2"]), eps=adam["epsilon"],
        weight_decay=adam["weight_decay"]), adam)
    sgd = {"lr": 0.1, "momentum": 0.9, "nesterov": False, "weight_decay": 0.001}
    optimizer_steps("optim_sgd_momentum", lambda p: torch.optim.SGD(
        p, lr=sgd["lr"], momentum=sgd["momentum"], nesterov=sgd["nesterov"],
        weight_decay=sgd["weight_decay"]), sgd)


if __name__ == "__main__":
    main()
