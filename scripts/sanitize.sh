#!/usr/bin/env bash
# Builds and runs the test suite under ThreadSanitizer (.build-tsan) and AddressSanitizer
# (.build-asan); exit 1 if a build or test fails or any sanitizer report appears.
#
# Usage: scripts/sanitize.sh [thread|address]...     (default: both)
# Env: TSAN_FILTER / ASAN_FILTER — a `swift test --filter` pattern (default: every test). On a
#      2-core machine the full TSan run is slow; e.g. TSAN_FILTER='DLTCoreTests|DLTNNTests|DLTTrainTests'.
set -uo pipefail
cd "$(dirname "$0")/.."
KINDS=("$@"); [ ${#KINDS[@]} -gt 0 ] || KINDS=(thread address)
status=0
for kind in "${KINDS[@]}"; do
  case $kind in thread) dir=.build-tsan filter=${TSAN_FILTER:-} ;; address) dir=.build-asan filter=${ASAN_FILTER:-} ;;
    *) echo "sanitize: unknown sanitizer '$kind'" >&2; exit 2 ;; esac
  log=$dir.log
  echo "sanitize: $kind: building ($dir)"
  if ! swift build --build-tests -Xswiftc -sanitize="$kind" --scratch-path "$dir" >"$log" 2>&1; then
    echo "sanitize: $kind: build failed"; tail -20 "$log"; status=1; continue
  fi
  args=(); [ -n "$filter" ] && args=(--filter "$filter")
  echo "sanitize: $kind: testing ${filter:+(filter $filter)}"
  # halt_on_error=0 so that one report does not hide the others; reports still fail the run.
  TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1" ASAN_OPTIONS="detect_leaks=0" \
    swift test --scratch-path "$dir" -Xswiftc -sanitize="$kind" "${args[@]}" >>"$log" 2>&1
  rc=$?
  reports=$(grep -c -E '^(WARNING: ThreadSanitizer|==[0-9]+==ERROR: AddressSanitizer|SUMMARY: (Thread|Address)Sanitizer)' "$log")
  if [ $rc -ne 0 ] || [ "$reports" -ne 0 ]; then
    status=1
    echo "sanitize: $kind: FAILED (swift test exit $rc, $reports sanitizer report lines; full log $log)"
    grep -E -A12 '^(WARNING: ThreadSanitizer|==[0-9]+==ERROR: AddressSanitizer)' "$log" | head -60
    grep -E '✘|failed' "$log" | head -20
  else
    echo "sanitize: $kind: clean ($(grep -Eo 'Test run with [0-9]+ tests?[^.]*' "$log" | tail -1))"
  fi
done
exit $status
