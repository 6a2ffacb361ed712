#!/usr/bin/env bash
# Data-parallel speed on this machine (docs/scale-out.md): training images/s of
#   1 process x 1 thread,  2 MPI ranks x 1 thread,  1 process x 2 threads
# on the same config and global batch, alternated for ROUNDS rounds so that a busy moment of the
# machine falls on every variant alike; prints each round and the ratios of the medians.
# Usage: scripts/bench_mpi.sh [CONFIG] [DLT_BINARY]   Env: ROUNDS (3), LIMIT (16000 samples), BATCH (64)
set -euo pipefail
cd "$(dirname "$0")/.."
CONFIG=${1:-configs/mnist_cnn.yaml}
DLT=${2:-.build/release/dlt}
ROUNDS=${ROUNDS:-3}
FLAGS=(--train-limit "${LIMIT:-16000}" --epochs 1 --batch-size "${BATCH:-64}" --overwrite)
W="$(mktemp -d "${TMPDIR:-/tmp}/dlt-mpibench.XXXXXX")"
trap 'rm -rf "$W"' EXIT
speed() { python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).readlines()[-1])["images_per_second"])' "$1/metrics.jsonl"; }
run() {
  case $1 in
    one) "$DLT" train "$CONFIG" "${FLAGS[@]}" --threads 1 --out "$W/$1" ;;
    ranks) mpirun --allow-run-as-root --quiet -np 2 "$DLT" train "$CONFIG" "${FLAGS[@]}" --out "$W/$1" ;;
    threads) "$DLT" train "$CONFIG" "${FLAGS[@]}" --threads 2 --out "$W/$1" ;;
  esac >/dev/null 2>&1
  speed "$W/$1"
}
echo "$CONFIG, global batch ${BATCH:-64}, ${LIMIT:-16000} samples, $(nproc) cores"
printf '%-6s %18s %18s %18s\n' round "1 proc x 1 thread" "2 ranks x 1 thread" "1 proc x 2 threads"
for r in $(seq 1 "$ROUNDS"); do
  a=$(run one); b=$(run ranks); c=$(run threads)
  printf '%-6s %18.0f %18.0f %18.0f\n' "$r" "$a" "$b" "$c"
  echo "$a $b $c" >> "$W/rounds"
done
python3 - "$W/rounds" <<'PY'
import statistics, sys
rows = [list(map(float, line.split())) for line in open(sys.argv[1])]
one, ranks, threads = (statistics.median(col) for col in zip(*rows))
print(f"median img/s: {one:.0f} / {ranks:.0f} / {threads:.0f}")
print(f"2 ranks / 1 process x 1 thread: {ranks / one:.2f}x;  2 ranks / 1 process x 2 threads: {ranks / threads:.2f}")
PY
