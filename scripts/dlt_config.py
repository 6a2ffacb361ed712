"""Reading a dlt config (YAML) the way dlt does, for the benchmark scripts: layers with their
default names (`<type>_<index>`) and inputs, the token vocabulary of a text model, and dlt's
`same` padding. No torch here, so that the onnxruntime side runs without importing it."""
import math

import yaml


def load_config(path):
    with open(path) as f:
        return yaml.safe_load(f)


def layer_specs(config):
    """[(type, name, keys, inputs or None)] in config order; a bare `- flatten` has no keys."""
    specs = []
    for index, entry in enumerate(config["model"]["layers"]):
        if isinstance(entry, str):
            kind, keys = entry, {}
        else:
            (kind, keys), = entry.items()
            keys = dict(keys or {})
        name = keys.pop("name", f"{kind}_{index}")
        inputs = keys.pop("inputs", None)
        if isinstance(inputs, str):
            inputs = [inputs]
        specs.append((kind, name, keys, inputs))
    return specs


def token_vocab(config):
    """The vocabulary of the embedding that reads the model input, or None for float inputs."""
    kind, _, keys, inputs = layer_specs(config)[0]
    return keys["vocab"] if kind == "embedding" and inputs in (None, ["input"]) else None


def pair(value):
    return tuple(value) if isinstance(value, (list, tuple)) else (value, value)


def same_padding(size, kernel, stride, dilation):
    """TensorFlow's `same` (dlt's WindowGeometry.samePadding): output ceil(size / stride), the
    odd pixel after. Returns (before, after)."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + dilation * (kernel - 1) + 1 - size, 0)
    return total // 2, total - total // 2
