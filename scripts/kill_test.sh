#!/usr/bin/env bash
# Kill/resume test: a run killed with SIGKILL at random moments and resumed from its last
# checkpoint must end with the same model and optimizer tensors, bit for bit, as an
# uninterrupted run with the same seed and thread count.
#
# The trials run on CONFIG, then one more on CONFIG with a data.augment list (the shuffle and the
# augmentation draws must both resume where they left off).
#
# Usage: scripts/kill_test.sh TRIALS DLT_BINARY     (exit 1 on any mismatch or failure)
# Env: KILL_CONFIG (default configs/mnist_mlp.yaml), KILL_FLAGS (default below), MAX_KILLS (3).
set -uo pipefail
if [ $# -ne 2 ]; then echo "usage: $0 TRIALS DLT_BINARY" >&2; exit 2; fi
TRIALS=$1
cd "$(dirname "$0")/.."
DLT="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
CONFIG=${KILL_CONFIG:-configs/mnist_mlp.yaml}
read -r -a FLAGS <<<"${KILL_FLAGS:---train-limit 2000 --epochs 6 --threads 2 --seed 1 --batch-size 64}"
MAX_KILLS=${MAX_KILLS:-3}
W="$(mktemp -d "${TMPDIR:-/tmp}/dlt-kill.XXXXXX")"
trap 'rm -rf "$W"' EXIT

now() { date +%s.%N; }

# uninterrupted CONFIG OUT: the reference run; sets T to its duration and LIMIT to the hang limit.
uninterrupted() {
  local start; start=$(now)
  timeout 300 "$DLT" train "$1" "${FLAGS[@]}" --out "$2" >/dev/null 2>"$2.err" \
    || { echo "kill_test: the uninterrupted run of $1 failed: $(tail -1 "$2.err")" >&2; exit 1; }
  T=$(python3 -c "print(max(0.2, $(now) - $start))")
  # Any single attempt that takes 20x the uninterrupted run (plus slack) has hung.
  LIMIT=$(python3 -c "print(int($T * 20 + 60))")
}

uninterrupted "$CONFIG" "$W/A"
echo "kill_test: uninterrupted run took ${T}s; $TRIALS trials, up to $MAX_KILLS kills each"

# Memory must not grow with training length: the peak RSS of a run twice as long stays within
# 10% (+8 MB slack for allocator noise) of the first run's.
peak() { python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"; }
short=$(peak "$DLT" train "$CONFIG" "${FLAGS[@]}" --epochs 3 --out "$W/M1") || { echo "kill_test: memory run failed" >&2; exit 1; }
long=$(peak "$DLT" train "$CONFIG" "${FLAGS[@]}" --epochs 12 --out "$W/M2") || { echo "kill_test: memory run failed" >&2; exit 1; }
if [ "$long" -gt $((short + short / 10 + 8192)) ]; then
  echo "kill_test: MEMORY GROWS: peak RSS ${short} KB after 3 epochs, ${long} KB after 12" >&2; exit 1
fi
echo "kill_test: peak RSS ${short} KB after 3 epochs, ${long} KB after 12 (no growth)"

# trials CONFIG REFERENCE FIRST LAST: killed-and-resumed runs FIRST..LAST of CONFIG, each compared with REFERENCE.
ok=0
trials() {
  local CONFIG=$1 REF=$2 trial
  for trial in $(seq "$3" "$4"); do
    B="$W/B$trial"; kills=0; attempts=0; done_=0; log=""
    while [ $done_ -eq 0 ]; do
      attempts=$((attempts + 1))
      if [ -f "$B/last.safetensors" ]; then args=(--resume "$B/last.safetensors" --out "$B"); how=resume
      else args=(--out "$B" --overwrite); how=fresh; fi
      timeout "$LIMIT" "$DLT" train "$CONFIG" "${FLAGS[@]}" "${args[@]}" >/dev/null 2>"$W/B.err" &
      pid=$!
      if [ $kills -lt "$MAX_KILLS" ]; then
        # A random moment within the uninterrupted run's duration.
        delay=$(python3 -c "import random; print(round(random.uniform(0.05, 1.0) * $T, 3))")
        sleep "$delay"
        if kill -0 "$pid" 2>/dev/null; then
          # timeout runs dlt as its child: kill dlt itself, then reap timeout.
          child=$(pgrep -P "$pid" | head -1)
          kill -KILL "${child:-$pid}" 2>/dev/null; kill -KILL "$pid" 2>/dev/null
          wait "$pid" 2>/dev/null
          kills=$((kills + 1)); log+="$how+kill@${delay}s "
          continue
        fi
      fi
      wait "$pid"; rc=$?
      log+="$how->exit$rc "
      if [ $rc -ne 0 ]; then echo "trial $trial: run failed (exit $rc): $(tail -1 "$W/B.err")"; break; fi
      done_=1
    done
    if [ $done_ -eq 1 ] && python3 scripts/compare_safetensors.py "$REF" "$B/last.safetensors" > "$W/cmp"; then
      ok=$((ok + 1)); echo "trial $trial: identical   ($log)"
    else
      echo "trial $trial: MISMATCH    ($log)"; cat "$W/cmp" 2>/dev/null
    fi
  done
}
trials "$CONFIG" "$W/A/last.safetensors" 1 "$TRIALS"

# The same with augmentation on: the config gains a crop + flip + rotate + brightness list.
python3 - "$CONFIG" "$W/augment.yaml" <<'PY'
import sys
text = open(sys.argv[1]).read()
augment = ("  augment:\n    - random_crop: {padding: 3}\n    - flip: {horizontal: true}\n"
           "    - rotate: {degrees: 10}\n    - brightness: {delta: 0.1}\n")
open(sys.argv[2], "w").write(text.replace("data:\n", "data:\n" + augment, 1))
PY
uninterrupted "$W/augment.yaml" "$W/A_augment"
echo "kill_test: with augmentation, the uninterrupted run took ${T}s; 1 trial"
trials "$W/augment.yaml" "$W/A_augment/last.safetensors" $((TRIALS + 1)) $((TRIALS + 1))
echo "kill_test: $ok/$((TRIALS + 1)) identical"
[ "$ok" -eq $((TRIALS + 1)) ]
