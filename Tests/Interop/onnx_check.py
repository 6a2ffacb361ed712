"""(a) Every config in configs/: train briefly, `dlt export --format onnx`, check the model with
onnx.checker, run it in onnxruntime and compare with `dlt predict --format npy` (max |diff| ≤ 1e-4)
on up to 1,000 samples, and on batches of 1 and 7 (the batch dimension must be dynamic).

dlt predict takes RAW inputs and normalises them as the config says; the ONNX graph starts at the
first layer, so onnxruntime gets the normalised values.
"""
import glob
import os

import numpy as np
import onnx
import onnxruntime

from common import ROOT, TOLERANCE, load_config, normalize, raw_inputs

SAMPLES = 1000


def check_config(dlt, report, config_path, tmp):
    config = load_config(config_path)
    name = os.path.splitext(os.path.basename(config_path))[0]
    run = os.path.join(tmp, "onnx", name)
    if not dlt.must(report, f"onnx {name} train", "train", config_path, "--max-steps", 20,
                    "--train-limit", 512, "--out", run, "--overwrite"):
        return None
    checkpoint = os.path.join(run, "last.safetensors")
    model_path = os.path.join(run, "model.onnx")
    if not dlt.must(report, f"onnx {name} export", "export", checkpoint, "--format", "onnx", "-o", model_path):
        return None
    try:
        model = onnx.load(model_path)
        onnx.checker.check_model(model, full_check=True)
        opset = max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
        batch_dim = model.graph.input[0].type.tensor_type.shape.dim[0]
        names = ([i.name for i in model.graph.input], [o.name for o in model.graph.output])
        dynamic = batch_dim.HasField("dim_param") and not batch_dim.HasField("dim_value")
        report.check(f"onnx {name} checker", opset == 13 and names == (["input"], ["output"]) and dynamic,
                     f"opset {opset}, inputs/outputs {names}, batch dim {'dynamic' if dynamic else batch_dim}")
    except Exception as error:  # the checker raises ValidationError; a bad file raises DecodeError
        report.check(f"onnx {name} checker", False, str(error).splitlines()[0])
        return None

    raw = raw_inputs(config, SAMPLES)
    if len(raw) < 8:  # tiny data sets (xor's 4 rows): repeat rows so that a batch of 7 exists
        raw = np.resize(raw, (8, *raw.shape[1:]))
    raw_path = os.path.join(run, "inputs.npy")
    out_path = os.path.join(run, "predict.npy")
    np.save(raw_path, raw)
    if not dlt.must(report, f"onnx {name} predict", "predict", checkpoint, raw_path, "--format", "npy", "-o", out_path):
        return None
    expected = np.load(out_path)
    session = onnxruntime.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    x = normalize(config, raw)
    for label, batch in ((f"{len(x)} samples", slice(None)), ("batch 1", slice(0, 1)), ("batch 7", slice(1, 8))):
        try:
            got = session.run(["output"], {"input": x[batch]})[0]
        except Exception as error:
            report.check(f"onnx {name} onnxruntime {label}", False, str(error).splitlines()[0])
            continue
        want = expected[batch]
        same_size = got.size == want.size and got.shape[0] == want.shape[0]
        diff = float(np.abs(got.reshape(want.shape) - want).max()) if same_size else float("inf")
        report.check(f"onnx {name} onnxruntime {label}", same_size and diff <= TOLERANCE,
                     f"output {got.shape} vs dlt predict {want.shape}, max |diff| {diff:.2e}")
    return run


def check_all(dlt, report, tmp):
    """Returns {config name: run dir} of the runs that trained (reused by the checkpoint checks)."""
    runs = {}
    configs = sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "configs", "*.yaml")))
    report.check("onnx configs found", len(configs) > 0, ", ".join(configs))
    for config_path in configs:
        run = check_config(dlt, report, config_path, tmp)
        if run:
            runs[os.path.splitext(os.path.basename(config_path))[0]] = run
    return runs
