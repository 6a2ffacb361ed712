#!/usr/bin/env bash
# dlt against PyTorch and onnxruntime on this machine, side by side (called by `make bench`).
#
# 1. The translator check: scripts/torch_from_config.py builds every config's model in PyTorch
#    and compares each layer's output shape and parameter count with `dlt summary`; any mismatch
#    stops the run (exit 1), since the table would then compare different models.
# 2. The engine table, for every config (xor left out: 17 parameters and 4 samples, a step is
#    microseconds of per-call overhead, so its figures would say nothing about either engine),
#    at batch 32 on 1 thread and batch 128 on 2 threads, on synthetic batches of the config's
#    shapes (token ids in [1, vocab) for text models):
#      dlt:         `dlt bench CONFIG --json` (training and inference img/s, MFU), under
#                   /usr/bin/time -v for its peak RSS;
#      PyTorch:     scripts/engine_bench.py pytorch: the model built from the config, its loss and
#                   optimizer, the same timing rule as dlt bench; torch.set_num_threads(T);
#      onnxruntime: scripts/engine_bench.py onnxruntime on `dlt export --format onnx` of a
#                   checkpoint from `dlt train --max-steps 1 --train-limit 64` (the weights do
#                   not change the speed); intra_op_num_threads=T, inter_op_num_threads=1.
#    Each row runs the three engines ROUNDS times (default 3), alternated (dlt, PyTorch,
#    onnxruntime, dlt, ...) so that a busy moment of a shared machine falls on all three alike,
#    and reports each figure's median over the rounds (peak RSS: the largest).
# 3. The end-to-end Fashion-MNIST rows for the seed models (mnist_mlp, mnist_cnn): one epoch over
#    the 60,000 training images in both frameworks, test accuracy on the 10,000 test images
#    (scripts/pytorch_bench.py, the model again from the config), and the whole `dlt predict`.
#
# Usage: scripts/bench_vs_pytorch.sh [--quick] [--limit N]
# Environment:
#   CONFIGS="mnist_cnn text_lstm"  a subset (config names, without the directory and .yaml)
#   CONFIG_DIR=configs/extra  the configs of another directory (default configs; the
#                         end-to-end rows run only for configs/' seed models)
#   QUICK=1 (or --quick)  10 timed steps per phase instead of about a second, and two end-to-end
#                         rows trained on 2,048 images: checks the script in a minute or two;
#                         the figures are a smoke run, not a benchmark
#   LIMIT=N (or --limit N)  end-to-end rows train on the first N images only
#   ROUNDS=N              engine-table rounds per row (default 3; QUICK runs 1)
#   DLT (default .build/release/dlt), DATA_DIR (default /usr/share/datasets/fashion-mnist),
#   VENV (default .venv-bench; created with torch numpy onnx onnxruntime pyyaml safetensors tensorboard
#                         when it lacks one)
# Raw results (one JSON object per measurement) go to runs/bench/results.jsonl; the tables to stdout.
set -euo pipefail

cd "$(dirname "$0")/.."
DLT=${DLT:-.build/release/dlt}
DATA_DIR=${DATA_DIR:-/usr/share/datasets/fashion-mnist}
VENV=${VENV:-.venv-bench}
QUICK=${QUICK:-0}
LIMIT=${LIMIT:-0}
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --limit) LIMIT=${2:?--limit needs a number}; shift ;;
        -h|--help) sed -n '2,38p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench_vs_pytorch.sh: unknown option $1 (--quick, --limit N)" >&2; exit 2 ;;
    esac
    shift
done
CONFIG_DIR=${CONFIG_DIR:-configs}
ALL_CONFIGS=$(ls "$CONFIG_DIR"/*.yaml | sed 's#.*/\(.*\)\.yaml#\1#' | grep -vx xor)
CONFIGS=${CONFIGS:-$ALL_CONFIGS}

say() { echo "bench: $*" >&2; }
die() { echo "bench_vs_pytorch.sh: error: $*" >&2; exit 1; }

[ -x "$DLT" ] || die "$DLT not found: build it with 'swift build -c release' (or run 'make bench')"
for name in $CONFIGS; do
    [ -f "$CONFIG_DIR/$name.yaml" ] || die "$CONFIG_DIR/$name.yaml not found (CONFIGS names configs without $CONFIG_DIR/ and .yaml)"
done
[ -d data/generated ] || die "data/generated missing: run 'make data' (the text and CIFAR-10 samples)"
for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
    [ -f "$DATA_DIR/$f" ] || die "$DATA_DIR/$f missing: run 'make setup' (Debian package dataset-fashion-mnist)"
done

# GNU time for the peak RSS of dlt.
if ! /usr/bin/time -v true >/dev/null 2>&1; then
    say "installing GNU time (apt)"
    if [ "$(id -u)" = 0 ]; then apt-get install -y -qq time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
    else sudo apt-get install -y -qq time >/dev/null; fi
fi

# PyTorch, onnxruntime and PyYAML in a private venv, installed once from PyPI; with safetensors
# and tensorboard, which `swift test`'s reference checks import whenever .venv-bench exists.
PY="$VENV/bin/python"
VENV_CHECK='import torch, numpy, onnx, onnxruntime, yaml, safetensors, tensorboard'
if ! "$PY" -c "$VENV_CHECK" >/dev/null 2>&1; then
    say "creating $VENV with torch, numpy, onnx, onnxruntime, pyyaml, safetensors and tensorboard from PyPI (once; a large download)"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip
    "$VENV/bin/pip" install -q torch numpy onnx onnxruntime pyyaml safetensors tensorboard
    "$PY" -c "$VENV_CHECK" || die "$VENV still lacks a package after pip install"
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/dlt-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
mkdir -p runs/bench
RESULTS=runs/bench/results.jsonl
: > "$RESULTS"
LOAD_BEFORE=$(cut -d" " -f1-3 /proc/loadavg)

STEP_ARGS=()
ROUNDS=${ROUNDS:-3}
if [ "$QUICK" = 1 ]; then
    STEP_ARGS=(--steps 10)
    [ "$LIMIT" -gt 0 ] || LIMIT=2048
    ROUNDS=1
fi
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a positive number, got '$ROUNDS'"

# --- 1. the translator check, on every config (xor too: it is cheap) ---------------------------
say "translator check: PyTorch models from $CONFIG_DIR/ against dlt summary"
"$PY" scripts/torch_from_config.py --dlt "$DLT" "$CONFIG_DIR"/*.yaml || die "the PyTorch translation differs from dlt summary (above)"

# --- 2. the engine table ---------------------------------------------------------------------------
# Runs one command with /usr/bin/time -v; prints its peak RSS in kB.
peak_rss_kb() {  # OUT_FILE COMMAND...
    local out=$1; shift
    /usr/bin/time -v -o "$TMP/time.txt" "$@" > "$out" 2> "$TMP/cmd.err" || { cat "$TMP/cmd.err" >&2; return 1; }
    sed -n 's/.*Maximum resident set size (kbytes): *//p' "$TMP/time.txt"
}

for name in $CONFIGS; do
    config=$CONFIG_DIR/$name.yaml
    say "$name: dlt train --max-steps 1 and dlt export --format onnx"
    "$DLT" train "$config" --max-steps 1 --train-limit 64 --threads 1 --out "$TMP/ckpt-$name" --overwrite \
        > /dev/null 2> "$TMP/train.err" || { cat "$TMP/train.err" >&2; die "dlt train failed for $name"; }
    "$DLT" export "$TMP/ckpt-$name/last.safetensors" --format onnx -o "$TMP/$name.onnx" > /dev/null \
        || die "dlt export failed for $name"
    for setting in "32 1" "128 2"; do
        read -r batch threads <<< "$setting"
        args=(--batch-size "$batch" --threads "$threads" "${STEP_ARGS[@]}")
        say "$name batch $batch threads $threads: dlt bench, PyTorch, onnxruntime ($ROUNDS rounds)"
        for round in $(seq 1 "$ROUNDS"); do
            peak_rss_kb "$TMP/dlt.$round.json" "$DLT" bench "$config" "${args[@]}" --json > "$TMP/dlt-rss.$round" \
                || die "dlt bench failed for $name"
            "$PY" scripts/engine_bench.py pytorch "$config" "${args[@]}" > "$TMP/torch.$round.json" \
                || die "engine_bench.py pytorch failed for $name"
            "$PY" scripts/engine_bench.py onnxruntime "$config" "$TMP/$name.onnx" "${args[@]}" > "$TMP/ort.$round.json" \
                || die "engine_bench.py onnxruntime failed for $name"
        done
        "$PY" - "$name" "$batch" "$threads" "$ROUNDS" "$TMP" >> "$RESULTS" <<'EOF'
import json, statistics, sys
name, batch, threads, rounds, tmp = sys.argv[1:]
rounds = int(rounds)

def merged(runs):
    """Each number's median over the rounds (peak RSS: the largest); anything else from round 1."""
    out = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            values = [run[key] for run in runs]
            out[key] = max(values) if key == "peak_rss_mb" else statistics.median(values)
    out["rounds"] = len(runs)
    return out

def load(prefix):
    return [json.load(open(f"{tmp}/{prefix}.{r}.json")) for r in range(1, rounds + 1)]

dlt_runs = load("dlt")
for r, run in enumerate(dlt_runs, start=1):
    run.pop("layers")
    run["peak_rss_mb"] = int(open(f"{tmp}/dlt-rss.{r}").read()) / 1024.0
print(json.dumps({"kind": "engine", "model": name, "batch_size": int(batch), "threads": int(threads),
                  "dlt": merged(dlt_runs), "pytorch": merged(load("torch")),
                  "onnxruntime": merged(load("ort"))}, sort_keys=True))
EOF
    done
done

# --- 3. the end-to-end Fashion-MNIST rows for the seed models --------------------------------
# A copy of CONFIG that validates on the test files instead of holding out 10% of training.
bench_config() {  # CONFIG -> path of the copy
    local src=$1 dst="$TMP/e2e-$(basename "$1")"
    grep -q '^ *validation_split:' "$src" || die "$src has no validation_split line to replace"
    sed -e "s#^\( *\)validation_split:.*#\1validation: {images: $DATA_DIR/t10k-images-idx3-ubyte.gz, labels: $DATA_DIR/t10k-labels-idx1-ubyte.gz}#" \
        -e "s#/usr/share/datasets/fashion-mnist#$DATA_DIR#g" "$src" > "$dst"
    echo "$dst"
}

# model      batch threads
E2E_RUNS="mnist_mlp 32 1
mnist_mlp 128 2
mnist_cnn 32 1
mnist_cnn 32 2
mnist_cnn 128 2"
[ "$QUICK" = 1 ] && E2E_RUNS="mnist_mlp 32 1
mnist_cnn 128 2"

LIMIT_ARGS=()
[ "$LIMIT" -gt 0 ] && LIMIT_ARGS=(--train-limit "$LIMIT")

while read -r name batch threads; do
    [[ "$CONFIG_DIR" == configs && " $(echo $CONFIGS) " == *" $name "* ]] || continue
    cfg=$(bench_config "configs/$name.yaml")
    out="$TMP/run-$name-$batch-$threads"
    tag="$name batch $batch threads $threads"

    say "$tag: dlt train (one epoch of Fashion-MNIST)"
    rss_kb=$(peak_rss_kb "$TMP/train.out" "$DLT" train "$cfg" --epochs 1 --batch-size "$batch" --threads "$threads" \
        --out "$out" --overwrite "${LIMIT_ARGS[@]}") || die "dlt train failed for $tag"
    [ -s "$out/metrics.jsonl" ] || die "dlt train wrote no $out/metrics.jsonl"
    tail -n 1 "$out/metrics.jsonl" > "$TMP/metrics.json"

    say "$tag: dlt predict (10,000 test images, whole process)"
    t0=$(date +%s.%N)
    "$DLT" predict "$out/last.safetensors" "$DATA_DIR/t10k-images-idx3-ubyte.gz" --threads "$threads" \
        -o "$TMP/predictions.csv" 2> "$TMP/predict.err" || { cat "$TMP/predict.err" >&2; die "dlt predict failed for $tag"; }
    t1=$(date +%s.%N)

    say "$tag: PyTorch (one epoch of Fashion-MNIST)"
    "$PY" scripts/pytorch_bench.py --config "configs/$name.yaml" --batch-size "$batch" --threads "$threads" \
        --data-dir "$DATA_DIR" "${LIMIT_ARGS[@]}" > "$TMP/torch.json" || die "pytorch_bench.py failed for $tag"

    "$PY" - "$name" "$batch" "$threads" "$rss_kb" "$t0" "$t1" "$TMP" >> "$RESULTS" <<'EOF'
import json, sys
name, batch, threads, rss_kb, t0, t1, tmp = sys.argv[1:]
metrics = json.load(open(f"{tmp}/metrics.json"))
predicted = sum(1 for line in open(f"{tmp}/predictions.csv") if line.strip()) - 1  # minus the header
print(json.dumps({
    "kind": "end_to_end", "model": name, "batch_size": int(batch), "threads": int(threads),
    "dlt": {"images_per_second": metrics["images_per_second"], "test_accuracy": metrics["val_accuracy"],
            "train_seconds": metrics.get("seconds"), "train_loss": metrics.get("train_loss"),
            "predict_seconds": float(t1) - float(t0), "predict_rows": predicted,
            "peak_rss_mb": int(rss_kb) / 1024.0},
    "pytorch": json.load(open(f"{tmp}/torch.json")),
}, sort_keys=True))
EOF
done <<< "$E2E_RUNS"

"$PY" scripts/bench_table.py "$RESULTS" --quick "$QUICK" --limit "$LIMIT" --load-before "$LOAD_BEFORE"
