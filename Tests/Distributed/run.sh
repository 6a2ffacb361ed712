#!/usr/bin/env bash
# Data-parallel training under Open MPI (docs/scale-out.md), on this machine's two cores:
#  1. 2 ranks at global batch 64 end an epoch with the weights of one process at batch 64
#     (SGD with momentum): the same bits as one process with 2 threads, and within 5e-3 of one
#     with 1 thread; over shared memory and over TCP on loopback;
#  2. a repeat gives the same bits, and TCP gives the bits of shared memory;
#  3. a batch whose last part is empty on one rank, dropout and a validation split stay in step:
#     3 ranks give the bits of one process with 3 threads, and its validation metric exactly;
#  4. a bad data path exits 2 with one line, a NaN loss 1 with one line; a bad flag on every rank is told once;
#  5. kill -9 of one rank ends the job within seconds, and --resume of the last checkpoint
#     (with 2 ranks, or with 1 process of 2 threads) gives the uninterrupted run's bits;
#  6. a stop signal ends every rank after the same step with a checkpoint that resumes bit for bit.
# Usage: Tests/Distributed/run.sh DLT_BINARY   (skips, exit 0, when mpirun is not installed)
set -uo pipefail
if [ $# -ne 1 ]; then echo "usage: $0 DLT_BINARY" >&2; exit 2; fi
cd "$(dirname "$0")/../.."
DLT="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
if ! command -v mpirun >/dev/null; then
  echo "distributed: mpirun not found (apt-get install openmpi-bin libopenmpi-dev); skipped"
  exit 0
fi
W="$(mktemp -d "${TMPDIR:-/tmp}/dlt-mpi.XXXXXX")"
trap 'rm -rf "$W"' EXIT
# Root in CI containers; --oversubscribe in case the machine reports fewer slots than ranks.
MPI=(mpirun --allow-run-as-root --oversubscribe --quiet)
FAILED=0
pass() { echo "  ok   $1"; }
fail() { echo "  FAIL $1" >&2; FAILED=1; }
same_bits() { python3 scripts/compare_safetensors.py "$1" "$2" >/dev/null; }
# Against a process with another thread count only closeness holds: each slice groups its float
# sums differently (Conv2D's shifted-plane dW sums groups of up to 8 images of its slice), and 20
# SGD + momentum steps carry that to about 1e-3. The exact check is against 2 threads, below.
close() { python3 scripts/compare_safetensors.py "$1" "$2" --tolerance 5e-3 | sed 's/^ */       /'; return "${PIPESTATUS[0]}"; }

sed -e 's/^optimizer:.*/optimizer: {name: sgd, lr: 0.05, momentum: 0.9}/' configs/mnist_cnn.yaml > "$W/sgd.yaml"
FLAGS=(--train-limit 1280 --epochs 1 --batch-size 64)   # a rank runs 1 thread by default
echo "distributed: mnist_cnn, SGD + momentum, global batch 64, $(mpirun --version | head -1)"

"$DLT" train "$W/sgd.yaml" "${FLAGS[@]}" --threads 1 --out "$W/one" >/dev/null 2>&1 || fail "one process trains"
"${MPI[@]}" -np 2 "$DLT" train "$W/sgd.yaml" "${FLAGS[@]}" --out "$W/shm" >/dev/null 2>"$W/shm.err" \
  || fail "2 ranks train over shared memory: $(tail -1 "$W/shm.err")"
close "$W/one/last.safetensors" "$W/shm/last.safetensors" && pass "2 ranks (shared memory) give one 1-thread process's weights" \
  || fail "2 ranks (shared memory) differ from one process"
"$DLT" train "$W/sgd.yaml" "${FLAGS[@]}" --threads 2 --out "$W/two" >/dev/null 2>&1 || fail "one process with 2 threads trains"
same_bits "$W/two/last.safetensors" "$W/shm/last.safetensors" && pass "2 ranks give the bits of one process with 2 threads" \
  || fail "2 ranks differ from one process with 2 threads"
"${MPI[@]}" -np 2 "$DLT" train "$W/sgd.yaml" "${FLAGS[@]}" --out "$W/again" >/dev/null 2>&1
same_bits "$W/shm/last.safetensors" "$W/again/last.safetensors" && pass "a repeat with 2 ranks gives the same bits" \
  || fail "a repeat with 2 ranks gave other bits"
"${MPI[@]}" --mca btl tcp,self -np 2 "$DLT" train "$W/sgd.yaml" "${FLAGS[@]}" --out "$W/tcp" >/dev/null 2>"$W/tcp.err" \
  || fail "2 ranks train over TCP: $(tail -1 "$W/tcp.err")"
same_bits "$W/shm/last.safetensors" "$W/tcp/last.safetensors" && pass "2 ranks over TCP on loopback give the shared-memory bits" \
  || fail "TCP gave other bits than shared memory"
[ "$(grep -c '^epoch 1/1' "$W/shm.err")" = 1 ] && pass "only rank 0 reports progress" \
  || fail "progress lines of 2 ranks: $(grep -c '^epoch 1/1' "$W/shm.err") epoch lines"

# 3 ranks on 64-sample batches of 1281 samples: the last batch has 1 sample, so two ranks step
# with no samples; dropout draws per global sample; validation is sharded and merged.
sed -e 's/    - flatten: {}/    - flatten: {}\n    - dropout: {rate: 0.3}/' "$W/sgd.yaml" > "$W/dropout.yaml"
ODD=(--train-limit 1281 --epochs 1 --batch-size 64)
"$DLT" train "$W/dropout.yaml" "${ODD[@]}" --threads 1 --out "$W/odd1" > "$W/odd1.out" 2>/dev/null
"${MPI[@]}" -np 3 "$DLT" train "$W/dropout.yaml" "${ODD[@]}" --threads 1 --out "$W/odd3" > "$W/odd3.out" 2>"$W/odd3.err" \
  || fail "3 ranks with an almost empty last batch: $(tail -1 "$W/odd3.err")"
close "$W/odd1/last.safetensors" "$W/odd3/last.safetensors" && pass "3 ranks, dropout, a 1-sample last batch: one process's weights" \
  || fail "3 ranks with dropout differ from one process"
# Each rank's loss is its share of the global mean and the ranks' gradients are summed in rank
# order, so N ranks add up what N threads do: the same bits, and the same validation metric.
"$DLT" train "$W/dropout.yaml" "${ODD[@]}" --threads 3 --out "$W/odd1t3" > "$W/odd1t3.out" 2>/dev/null
v1=$(grep -o 'val_accuracy [0-9.]*' "$W/odd1t3.out"); v3=$(grep -o 'val_accuracy [0-9.]*' "$W/odd3.out")
same_bits "$W/odd1t3/last.safetensors" "$W/odd3/last.safetensors" && [ -n "$v1" ] && [ "$v1" = "$v3" ] \
  && pass "3 ranks, dropout, a 1-sample last batch: one 3-thread process's bits and its $v1" \
  || fail "3 ranks differ from one process with 3 threads (validation '$v1' with 3 threads, '$v3' with 3 ranks)"
"$DLT" train "$W/dropout.yaml" "${ODD[@]}" --threads 2 --out "$W/odd1t2" > "$W/odd1t2.out" 2>/dev/null
"${MPI[@]}" -np 2 "$DLT" train "$W/dropout.yaml" "${ODD[@]}" --out "$W/odd2" > "$W/odd2.out" 2>"$W/odd2.err" \
  || fail "2 ranks with an empty last part: $(tail -1 "$W/odd2.err")"
v1=$(grep -o 'val_accuracy [0-9.]*' "$W/odd1t2.out"); v2=$(grep -o 'val_accuracy [0-9.]*' "$W/odd2.out")
same_bits "$W/odd1t2/last.safetensors" "$W/odd2/last.safetensors" && [ -n "$v1" ] && [ "$v1" = "$v2" ] \
  && pass "2 ranks, dropout, an empty last part: one 2-thread process's bits and its $v1" \
  || fail "validation: '$v1' with 2 threads, '$v2' with 2 ranks"

sed 's#/usr/share/datasets/fashion-mnist/train-images#/nonexistent/train-images#' configs/mnist_cnn.yaml > "$W/bad.yaml"
"${MPI[@]}" -np 2 "$DLT" train "$W/bad.yaml" --out "$W/bad" >/dev/null 2>"$W/bad.err"; code=$?
[ "$code" = 2 ] && [ "$(wc -l < "$W/bad.err")" = 1 ] && grep -q '^dlt: error: .*nonexistent' "$W/bad.err" && [ ! -e "$W/bad" ] \
  && pass "a bad data path: exit 2, one line, nothing written" || fail "a bad data path: exit $code, stderr: $(cat "$W/bad.err")"
"${MPI[@]}" -np 2 "$DLT" train "$W/sgd.yaml" --batch-size 1 --out "$W/tiny" >/dev/null 2>"$W/tiny.err"; code=$?
[ "$code" = 2 ] && [ "$(wc -l < "$W/tiny.err")" = 1 ] && pass "a batch smaller than the ranks: exit 2, one line" \
  || fail "batch 1 on 2 ranks: exit $code, stderr: $(cat "$W/tiny.err")"
# A NaN loss: the summed loss is NaN on every rank, every rank stops, the job prints one line.
(cd Tests/BadInput && "${MPI[@]}" -np 2 "$DLT" train cases/nan_huge_lr.yaml --out "$W/nan" >/dev/null 2>"$W/nan.err"); code=$?
[ "$code" = 1 ] && [ "$(wc -l < "$W/nan.err")" = 1 ] && grep -q 'NaN or infinite' "$W/nan.err" \
  && pass "a NaN loss on 2 ranks: exit 1, one line" || fail "a NaN loss on 2 ranks: exit $code, stderr: $(cat "$W/nan.err")"
"${MPI[@]}" -np 2 "$DLT" summary "$W/sgd.yaml" >"$W/summary.out" 2>"$W/summary.err"; code=$?
[ "$code" = 2 ] && [ "$(wc -l < "$W/summary.err")" = 1 ] && [ ! -s "$W/summary.out" ] \
  && pass "commands other than train refuse mpirun: exit 2, one line" \
  || fail "dlt summary under mpirun: exit $code, stderr: $(cat "$W/summary.err")"

# Ranks that disagree (MPMD launch: rank 1 gets other arguments): a file only rank 1 misses is
# told once, naming the rank; another training set size is refused before the first step.
"${MPI[@]}" -np 1 "$DLT" train "$W/sgd.yaml" --out "$W/mpmd" : -np 1 "$DLT" train "$W/bad.yaml" --out "$W/mpmd" \
  >/dev/null 2>"$W/mpmd.err"; code=$?
[ "$code" = 2 ] && [ "$(wc -l < "$W/mpmd.err")" = 1 ] && grep -q '^dlt: error: rank 1: .*nonexistent' "$W/mpmd.err" \
  && pass "a data path missing on rank 1 only: exit 2, one line naming the rank" \
  || fail "a data path missing on rank 1: exit $code, stderr: $(cat "$W/mpmd.err")"
"${MPI[@]}" -np 1 "$DLT" train "$W/sgd.yaml" --train-limit 640 --out "$W/mpmd" : \
  -np 1 "$DLT" train "$W/sgd.yaml" --train-limit 600 --out "$W/mpmd" >/dev/null 2>"$W/agree.err"; code=$?
[ "$code" = 2 ] && [ "$(wc -l < "$W/agree.err")" = 1 ] && grep -q 'every rank needs the same config and data' "$W/agree.err" \
  && pass "ranks with different training sets: exit 2, one line" \
  || fail "ranks with different training sets: exit $code, stderr: $(cat "$W/agree.err")"

# kill -9 of rank 1 after the second of four epochs; the job must end, and --resume continues.
KILL=(--train-limit 640 --epochs 4 --batch-size 64)
"${MPI[@]}" -np 2 "$DLT" train "$W/sgd.yaml" "${KILL[@]}" --out "$W/whole" >/dev/null 2>&1 || fail "the uninterrupted 4-epoch run"
"${MPI[@]}" -np 2 "$DLT" train "$W/sgd.yaml" "${KILL[@]}" --out "$W/killed" >/dev/null 2>&1 &
job=$!
for _ in $(seq 1 600); do
  [ "$( { wc -l < "$W/killed/metrics.jsonl"; } 2>/dev/null || echo 0)" -ge 2 ] && break
  sleep 0.05
done
rank1=$(pgrep -P "$job" | tail -1)
kill -9 "$rank1" 2>/dev/null
killed_at=$(date +%s)
wait "$job"; code=$?
took=$(( $(date +%s) - killed_at ))
[ "$code" != 0 ] && [ "$took" -le 10 ] && pass "kill -9 of one rank ends the job (exit $code, ${took}s)" \
  || fail "after kill -9 of one rank: exit $code after ${took}s"
mkdir -p "$W/alone" && cp "$W/killed/last.safetensors" "$W/alone/last.safetensors"
"${MPI[@]}" -np 2 "$DLT" train "$W/sgd.yaml" "${KILL[@]}" --resume "$W/killed/last.safetensors" >/dev/null 2>&1 \
  || fail "--resume with 2 ranks"
same_bits "$W/whole/last.safetensors" "$W/killed/last.safetensors" && pass "--resume with 2 ranks gives the uninterrupted bits" \
  || fail "--resume with 2 ranks differs from the uninterrupted run"
"$DLT" train "$W/sgd.yaml" "${KILL[@]}" --threads 2 --resume "$W/alone/last.safetensors" >/dev/null 2>&1 \
  || fail "--resume with 1 process"
same_bits "$W/whole/last.safetensors" "$W/alone/last.safetensors" && pass "--resume of a 2-rank checkpoint in one 2-thread process: the same bits" \
  || fail "--resume in one process differs from the 2-rank run"

# A graceful stop after the first epoch: SIGUSR1 to mpirun, which forwards it to every rank (Ctrl-C
# works alike, but mpirun follows its SIGTERM with SIGKILL after odls_base_sigkill_timeout, 1 s).
# All ranks stop after the same step, rank 0 writes last.safetensors, and --resume continues.
"${MPI[@]}" -np 2 "$DLT" train "$W/sgd.yaml" "${KILL[@]}" --out "$W/stopped" >/dev/null 2>"$W/stopped.err" &
job=$!
for _ in $(seq 1 600); do
  [ "$( { wc -l < "$W/stopped/metrics.jsonl"; } 2>/dev/null || echo 0)" -ge 1 ] && break
  sleep 0.05
done
kill -USR1 "$job"; wait "$job"
grep -q '^interrupted at step' "$W/stopped.err" && pass "SIGUSR1: every rank stops, rank 0 writes last.safetensors" \
  || fail "SIGUSR1 under mpirun: $(tail -1 "$W/stopped.err")"
"${MPI[@]}" -np 2 "$DLT" train "$W/sgd.yaml" "${KILL[@]}" --resume "$W/stopped/last.safetensors" >/dev/null 2>&1 \
  || fail "--resume after the stop"
same_bits "$W/whole/last.safetensors" "$W/stopped/last.safetensors" && pass "--resume after the stop gives the uninterrupted bits" \
  || fail "--resume after the stop differs from the uninterrupted run"

[ "$FAILED" = 0 ] && echo "distributed: all passed" || echo "distributed: FAILED" >&2
exit "$FAILED"
