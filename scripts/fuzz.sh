#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ and runs each for SECONDS; exit 1 if any target crashes
# (the crashing input is kept under .build-fuzz/crashes/<target>/ and printed as hex).
#
# Usage: scripts/fuzz.sh SECONDS [TARGET...]     targets: config checkpoint idx csv npy png
#
# How the targets are built (see docs/reliability.md): `swift build` renames an executable's
# `main`, which breaks libFuzzer's, so each target is one swiftc invocation that compiles the
# fuzz file together with its library's sources into one module, with
# -sanitize=fuzzer,address. DLTConfig needs Yams: its C part (CYaml) is compiled with clang and
# its Swift part into a static library + module, both cached in .build-fuzz/.
set -euo pipefail
if [ $# -lt 1 ]; then echo "usage: $0 SECONDS [TARGET...]" >&2; exit 2; fi
SECONDS_EACH=$1; shift
cd "$(dirname "$0")/.."
TARGETS=("$@"); [ ${#TARGETS[@]} -gt 0 ] || TARGETS=(config checkpoint idx csv npy png)
OUT=.build-fuzz
mkdir -p "$OUT/yams" "$OUT/bin"
SAN=(-sanitize=fuzzer,address -parse-as-library -Onone -g)

# Rebuilds $1 when it is missing or older than any of the remaining arguments.
stale() { local target=$1; shift; [ ! -e "$target" ] || [ -n "$(find "$@" -newer "$target" -print -quit)" ]; }

yams() {
  local root
  if [ -d .build/checkouts/Yams ]; then root=.build/checkouts/Yams
  else swift package --scratch-path "$OUT/pkg" resolve >/dev/null; root=$OUT/pkg/checkouts/Yams; fi
  YAMS_INCLUDE=$root/Sources/CYaml/include
  if stale "$OUT/yams/libYams.a" "$root/Sources"; then
    echo "fuzz: building Yams from $root"
    rm -f "$OUT"/yams/*.o
    for c in "$root"/Sources/CYaml/src/*.c; do
      clang -c -O1 -fsanitize=address -DYAML_DECLARE_STATIC -I "$YAMS_INCLUDE" "$c" -o "$OUT/yams/$(basename "$c" .c).o"
    done
    swiftc -parse-as-library -emit-library -static -emit-module -module-name Yams -O -DSWIFT_PACKAGE \
      -I "$YAMS_INCLUDE" -Xcc -DYAML_DECLARE_STATIC "$root"/Sources/Yams/*.swift \
      -emit-module-path "$OUT/yams/Yams.swiftmodule" -o "$OUT/yams/libYams.a"
  fi
}

# DLTData imports DLTCore (the seeded generator of augmentation): DLTCore is compiled into a
# static library + module once, with ASan like the targets, and linked with OpenBLAS.
core() {
  if stale "$OUT/core/libDLTCore.a" Sources/DLTCore; then
    echo "fuzz: building DLTCore"
    mkdir -p "$OUT/core"
    swiftc -parse-as-library -emit-library -static -emit-module -module-name DLTCore -O -sanitize=address \
      -I Sources/CBLAS $(find Sources/DLTCore -name '*.swift') \
      -emit-module-path "$OUT/core/DLTCore.swiftmodule" -o "$OUT/core/libDLTCore.a"
  fi
}

# build NAME FUZZ_FILE MODULE_NAME [extra swiftc args...] -- SOURCES...
build() {
  local name=$1 file=$2 module=$3; shift 3
  local extra=(); while [ "$1" != "--" ]; do extra+=("$1"); shift; done; shift
  if stale "$OUT/bin/$name" "$file" "$@"; then
    echo "fuzz: building $name"
    # ld.gold warns once per ASan helper symbol ("Cannot export local symbol"); harmless, dropped.
    swiftc "${SAN[@]}" -module-name "$module" "${extra[@]}" "$file" "$@" -o "$OUT/bin/$name" 2>&1 \
      | { grep -v 'Cannot export local symbol' || true; }
    [ -x "$OUT/bin/$name" ] || { echo "fuzz: building $name failed" >&2; exit 1; }
  fi
}

for t in "${TARGETS[@]}"; do
  case $t in
    config) yams
      build config Fuzz/ConfigFuzz.swift DLTConfig -I "$OUT/yams" -I "$YAMS_INCLUDE" -Xcc -DYAML_DECLARE_STATIC \
        -L "$OUT/yams" -lYams "$OUT"/yams/*.o -- Sources/DLTConfig/*.swift ;;
    checkpoint) build checkpoint Fuzz/CheckpointFuzz.swift DLTFormats -- \
        Sources/DLTFormats/SafeTensors/*.swift Sources/DLTFormats/Common/*.swift ;;
    idx|csv|npy|png) file=Fuzz/$(echo "$t" | tr a-z A-Z)Fuzz.swift; core
      build "$t" "$file" DLTData -I "$OUT/core" -I Sources/CBLAS -I Sources/CZlib -I Sources/CPNG \
        -L "$OUT/core" -lDLTCore -lopenblas -lz -lpng16 -- $(find Sources/DLTData -name '*.swift') ;;
    *) echo "fuzz: unknown target '$t'" >&2; exit 2 ;;
  esac
done

failed=()
for t in "${TARGETS[@]}"; do
  corpus=$OUT/corpus/$t crashes=$OUT/crashes/$t
  mkdir -p "$corpus" "$crashes"
  seeds=Fuzz/corpus/$t
  # Runs on a scratch copy of the corpus so that committed seeds stay small and fixed.
  log=$OUT/$t.log
  if "$OUT/bin/$t" "$corpus" "$seeds" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 \
       -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1; then
    echo "fuzz: $t ok ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$') runs in ${SECONDS_EACH}s)"
  else
    failed+=("$t")
    echo "fuzz: $t FOUND A CRASH"; grep -E 'ERROR|Fatal error|SUMMARY|==[0-9]+==' "$log" | head -5
    for f in "$crashes"/*; do [ -f "$f" ] && { echo "  input $f:"; head -c 256 "$f" | od -An -tx1 | head -8; }; done
  fi
done
if [ ${#failed[@]} -gt 0 ]; then echo "fuzz: crashes in: ${failed[*]}"; exit 1; fi
echo "fuzz: all ${#TARGETS[@]} targets ran ${SECONDS_EACH}s without a crash"
