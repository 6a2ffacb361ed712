#!/usr/bin/env bash
# dlt against PyTorch on this machine, side by side, on Fashion-MNIST (called by `make bench`).
#
# For each (model, batch, threads) below, both frameworks train the same model for one epoch over
# all 60,000 training images and are then scored on the 10,000 test images:
#   dlt:     `dlt train` on a temporary copy of the config whose validation split is the test set
#            (no validation_split, so it trains on all 60,000); training images/s and test accuracy
#            from the run's metrics.jsonl; inference images/s from `dlt bench --json`
#            (infer_images_per_second, batch B, the figure in the table); also the wall time of
#            `dlt predict` on the 10,000 test images (whole process: checkpoint load, gzip decode,
#            inference, CSV out), reported in its own table.
#   PyTorch: scripts/pytorch_bench.py (Keras-like init, Adam lr 1e-3 eps 1e-7, torch.set_num_threads).
# Peak RSS: dlt from `/usr/bin/time -v` (Maximum resident set size) around `dlt train`;
# PyTorch from its own getrusage ru_maxrss.
#
# Usage: scripts/bench_vs_pytorch.sh [--quick] [--limit N]
#   --quick    two configurations instead of five (MLP b32 t1, CNN b128 t2)
#   --limit N  train on the first N images only (checks the script in seconds; the figures then
#              say nothing about a full epoch)
# Environment: DLT (binary, default .build/release/dlt), DATA_DIR (default
# /usr/share/datasets/fashion-mnist), VENV (default .venv-bench).
# Raw results (one JSON object per run) go to runs/bench/results.jsonl; the table to stdout.
set -euo pipefail

cd "$(dirname "$0")/.."
DLT=${DLT:-.build/release/dlt}
DATA_DIR=${DATA_DIR:-/usr/share/datasets/fashion-mnist}
VENV=${VENV:-.venv-bench}
QUICK=0
LIMIT=0
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --limit) LIMIT=${2:?--limit needs a number}; shift ;;
        -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench_vs_pytorch.sh: unknown option $1 (--quick, --limit N)" >&2; exit 2 ;;
    esac
    shift
done

say() { echo "bench: $*" >&2; }
die() { echo "bench_vs_pytorch.sh: error: $*" >&2; exit 1; }

[ -x "$DLT" ] || die "$DLT not found: build it with 'swift build -c release' (or run 'make bench')"
for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
    [ -f "$DATA_DIR/$f" ] || die "$DATA_DIR/$f missing: run 'make setup' (Debian package dataset-fashion-mnist)"
done

# GNU time for the peak RSS of dlt.
if ! /usr/bin/time -v true >/dev/null 2>&1; then
    say "installing GNU time (apt)"
    if [ "$(id -u)" = 0 ]; then apt-get install -y -qq time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
    else sudo apt-get install -y -qq time >/dev/null; fi
fi

# PyTorch in a private venv, installed once from PyPI.
PY="$VENV/bin/python"
if ! "$PY" -c 'import torch, numpy' >/dev/null 2>&1; then
    say "creating $VENV with torch and numpy from PyPI (once; a large download)"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip
    "$VENV/bin/pip" install -q torch numpy
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/dlt-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
mkdir -p runs/bench
RESULTS=runs/bench/results.jsonl
: > "$RESULTS"
LOAD_BEFORE=$(cut -d" " -f1-3 /proc/loadavg)

# A copy of CONFIG that validates on the test files instead of holding out 10% of training.
bench_config() {  # CONFIG -> path of the copy
    local src=$1 dst="$TMP/$(basename "$1")"
    grep -q '^ *validation_split:' "$src" || die "$src has no validation_split line to replace"
    sed -e "s#^\( *\)validation_split:.*#\1validation: {images: $DATA_DIR/t10k-images-idx3-ubyte.gz, labels: $DATA_DIR/t10k-labels-idx1-ubyte.gz}#" \
        -e "s#/usr/share/datasets/fashion-mnist#$DATA_DIR#g" "$src" > "$dst"
    echo "$dst"
}

# model  config                  batch threads
RUNS="mlp configs/mnist_mlp.yaml 32 1
mlp configs/mnist_mlp.yaml 128 2
cnn configs/mnist_cnn.yaml 32 1
cnn configs/mnist_cnn.yaml 32 2
cnn configs/mnist_cnn.yaml 128 2"
[ "$QUICK" = 1 ] && RUNS="mlp configs/mnist_mlp.yaml 32 1
cnn configs/mnist_cnn.yaml 128 2"

LIMIT_ARGS=()
[ "$LIMIT" -gt 0 ] && LIMIT_ARGS=(--train-limit "$LIMIT")

while read -r model config batch threads; do
    cfg=$(bench_config "$config")
    out="$TMP/run-$model-$batch-$threads"
    tag="$model batch $batch threads $threads"

    say "$tag: dlt train (one epoch)"
    /usr/bin/time -v -o "$TMP/time.txt" "$DLT" train "$cfg" --epochs 1 --batch-size "$batch" --threads "$threads" \
        --out "$out" --overwrite "${LIMIT_ARGS[@]}" > "$TMP/train.out" 2> "$TMP/train.err" \
        || { cat "$TMP/train.err" >&2; die "dlt train failed for $tag"; }
    rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$TMP/time.txt")
    [ -s "$out/metrics.jsonl" ] || die "dlt train wrote no $out/metrics.jsonl"
    tail -n 1 "$out/metrics.jsonl" > "$TMP/metrics.json"

    say "$tag: dlt bench (inference)"
    "$DLT" bench "$cfg" --batch-size "$batch" --threads "$threads" --json > "$TMP/bench.json" \
        || die "dlt bench failed for $tag"

    say "$tag: dlt predict (10,000 test images, whole process)"
    t0=$(date +%s.%N)
    "$DLT" predict "$out/last.safetensors" "$DATA_DIR/t10k-images-idx3-ubyte.gz" --threads "$threads" \
        -o "$TMP/predictions.csv" 2> "$TMP/predict.err" || { cat "$TMP/predict.err" >&2; die "dlt predict failed for $tag"; }
    t1=$(date +%s.%N)

    say "$tag: PyTorch"
    py_args=(--model "$model" --batch-size "$batch" --threads "$threads" --data-dir "$DATA_DIR")
    [ "$LIMIT" -gt 0 ] && py_args+=(--train-limit "$LIMIT")
    "$PY" scripts/pytorch_bench.py "${py_args[@]}" > "$TMP/torch.json" || die "pytorch_bench.py failed for $tag"

    "$PY" - "$model" "$batch" "$threads" "$rss_kb" "$t0" "$t1" "$TMP" >> "$RESULTS" <<'EOF'
import json, sys
model, batch, threads, rss_kb, t0, t1, tmp = sys.argv[1:]
metrics = json.load(open(f"{tmp}/metrics.json"))
bench = json.load(open(f"{tmp}/bench.json"))
torch = json.loads(open(f"{tmp}/torch.json").read().strip().splitlines()[-1])
predicted = sum(1 for line in open(f"{tmp}/predictions.csv") if line.strip()) - 1  # minus the header
print(json.dumps({
    "model": model, "batch_size": int(batch), "threads": int(threads),
    "dlt": {"images_per_second": metrics["images_per_second"], "test_accuracy": metrics["val_accuracy"],
            "train_seconds": metrics.get("seconds"), "train_loss": metrics.get("train_loss"),
            "infer_images_per_second": bench["infer_images_per_second"],
            "bench_images_per_second": bench["images_per_second"], "mfu": bench.get("mfu"),
            "predict_seconds": float(t1) - float(t0), "predict_rows": predicted,
            "peak_rss_mb": int(rss_kb) / 1024.0},
    "pytorch": torch,
}, sort_keys=True))
EOF
done <<< "$RUNS"

say "MFU: dlt bench configs/mnist_cnn.yaml --threads 2 --batch-size 128"
"$DLT" bench configs/mnist_cnn.yaml --threads 2 --batch-size 128 --json > "$TMP/mfu.json" || die "dlt bench failed"

"$PY" - "$RESULTS" "$TMP/mfu.json" "$LIMIT" "$LOAD_BEFORE" <<'EOF'
import json, platform, subprocess, sys, datetime
results = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
mfu = json.load(open(sys.argv[2]))
limit = int(sys.argv[3])
load_before = sys.argv[4]
load_after = " ".join(open("/proc/loadavg").read().split()[:3])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
torch_version = results[0]["pytorch"].get("torch", "?") if results else "?"
print(f"Date: {datetime.date.today().isoformat()}; CPU: {cpu}, {cores} cores; PyTorch {torch_version}; "
      f"load average (1/5/15 min) {load_before} before, {load_after} after")
if limit:
    print(f"**--limit {limit}: trained on {limit} images only; these figures are a smoke run, not a benchmark.**")
print()
print("| model | batch | threads | dlt img/s | PyTorch img/s | ratio | dlt infer img/s | PyTorch infer img/s | ratio "
      "| dlt acc | PyTorch acc | dlt peak RSS MB | PyTorch peak RSS MB |")
print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
for r in results:
    d, p = r["dlt"], r["pytorch"]
    print(f"| {r['model'].upper()} | {r['batch_size']} | {r['threads']} "
          f"| {d['images_per_second']:.0f} | {p['images_per_second']:.0f} | {d['images_per_second'] / p['images_per_second']:.2f} "
          f"| {d['infer_images_per_second']:.0f} | {p['infer_images_per_second']:.0f} "
          f"| {d['infer_images_per_second'] / p['infer_images_per_second']:.2f} "
          f"| {d['test_accuracy']:.4f} | {p['test_accuracy']:.4f} | {d['peak_rss_mb']:.0f} | {p['peak_rss_mb']:.0f} |")
print()
print("ratio = dlt / PyTorch. dlt infer = `dlt bench --json` infer_images_per_second (batch = the row's batch).")
print()
print("`dlt predict` on the 10,000 test images, whole process (checkpoint load, gzip decode, inference, CSV):")
print()
print("| model | threads | seconds | img/s |")
print("|---|--:|--:|--:|")
for r in results:
    d = r["dlt"]
    print(f"| {r['model'].upper()} (trained b{r['batch_size']}) | {r['threads']} | {d['predict_seconds']:.2f} "
          f"| {d['predict_rows'] / d['predict_seconds']:.0f} |")
print()
print(f"`dlt bench configs/mnist_cnn.yaml --threads 2 --batch-size 128 --json`: "
      f"training {mfu['images_per_second']:.0f} img/s, inference {mfu['infer_images_per_second']:.0f} img/s, "
      f"sgemm peak {mfu['sgemm_gflops']:.1f} GFLOP/s, MFU {100 * mfu['mfu']:.1f} %")
EOF
