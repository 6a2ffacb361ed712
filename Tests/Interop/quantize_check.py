"""(e) `dlt quantize`: train briefly, write the int8 QDQ ONNX file (per tensor and per channel),
check it with onnx.checker (opset 13, int8 weights behind DequantizeLinear), run it in
onnxruntime on the whole Fashion-MNIST test split and compare with dlt's own int8 simulation:
  - with graph optimisations off, onnxruntime runs the Q/DQ nodes as written, the same float
    arithmetic as dlt: outputs agree to float rounding. An activation that lands on a rounding
    boundary may move one int8 step, and the deeper the model the more samples meet one (resnet_small
    quantizes 15 tensors): the check allows that in up to 1% of the samples, and bounds how far
    one such step moves an output (0.05; mnist_cnn has shown 0.019);
  - with onnxruntime's default optimisations (its integer kernels), accuracy agrees with dlt's
    `int8_accuracy` within 0.5 point.
"""
import json
import os

import numpy as np
import onnx
import onnxruntime

from common import FASHION, load_config, normalize, read_idx

CONFIGS = ["configs/mnist_mlp.yaml", "configs/mnist_cnn.yaml", "configs/resnet_small.yaml"]
# int8 file / float file: the bar for mnist_cnn; resnet_small's 20k weights are too few
# for the per-tensor names, scales and zero points not to weigh (about half).
SIZE_BOUNDS = {"mnist_cnn": 0.35, "mnist_mlp": 0.35}


def session(path, optimize):
    options = onnxruntime.SessionOptions()
    if not optimize:
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    return onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def check_file(report, label, model_path, summary, simulated, x, labels, size_bound):
    try:
        model = onnx.load(model_path)
        onnx.checker.check_model(model, full_check=True)
        ops = {n.op_type for n in model.graph.node}
        int8 = [t for t in model.graph.initializer if t.data_type == onnx.TensorProto.INT8 and len(t.dims) >= 2]
        report.check(f"quantize {label} checker", "QuantizeLinear" in ops and "DequantizeLinear" in ops and int8,
                     f"{len(int8)} int8 weight tensors, ops {sorted(ops)}")
    except Exception as error:
        report.check(f"quantize {label} checker", False, str(error).splitlines()[0])
        return
    plain = session(model_path, optimize=False).run(["output"], {"input": x})[0]
    same_shape = plain.shape == simulated.shape
    diff = np.abs(plain - simulated).reshape(len(plain), -1) if same_shape else np.ones((1, 1))
    off = int((diff.max(axis=1) > 1e-4).sum())
    report.check(f"quantize {label} onnxruntime (no optimisation) vs dlt simulation",
                 same_shape and off <= max(10, len(plain) // 100) and diff.max() <= 0.05,
                 f"max |diff| {diff.max():.2e}, {off} of {len(plain)} samples beyond 1e-4")
    fused = session(model_path, optimize=True).run(["output"], {"input": x})[0]
    ort_accuracy = float((fused.argmax(axis=1) == labels).mean())
    gap = abs(ort_accuracy - summary["int8_accuracy"])
    report.check(f"quantize {label} onnxruntime accuracy", gap <= 0.005,
                 f"onnxruntime int8 {ort_accuracy:.4f}, dlt int8 {summary['int8_accuracy']:.4f}, "
                 f"float {summary['float_accuracy']:.4f}")
    ratio = summary["int8_bytes"] / summary["float_bytes"]
    report.check(f"quantize {label} size", ratio <= size_bound and os.path.getsize(model_path) == summary["int8_bytes"],
                 f"{summary['int8_bytes']} of {summary['float_bytes']} bytes ({100 * ratio:.1f}%)")


def check_config(dlt, report, config_path, tmp, x, labels):
    name = os.path.splitext(os.path.basename(config_path))[0]
    run = os.path.join(tmp, "quantize", name)
    if not dlt.must(report, f"quantize {name} train", "train", config_path, "--max-steps", 60,
                    "--train-limit", 2048, "--out", run, "--overwrite"):
        return
    config = load_config(config_path)
    for flags in ([], ["--per-channel"]):
        label = f"{name}{' per-channel' if flags else ''}"
        model_path = os.path.join(run, f"int8{'_pc' if flags else ''}.onnx")
        simulated_path = model_path + ".npy"
        result = dlt.must(report, f"quantize {label}", "quantize", os.path.join(run, "last.safetensors"),
                          "-o", model_path, "--calibration", 256, "--json", "--simulated-outputs", simulated_path, *flags)
        if result:
            check_file(report, label, model_path, json.loads(result.stdout), np.load(simulated_path),
                       normalize(config, x), labels, SIZE_BOUNDS.get(name, 1.0))


def check_all(dlt, report, tmp):
    images = read_idx(f"{FASHION}/t10k-images-idx3-ubyte.gz")
    x = np.ascontiguousarray(images.reshape(-1, 1, 28, 28).astype(np.float32))
    labels = read_idx(f"{FASHION}/t10k-labels-idx1-ubyte.gz").astype(np.int64)
    for config_path in CONFIGS:
        check_config(dlt, report, config_path, tmp, x, labels)
