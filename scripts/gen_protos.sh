#!/usr/bin/env bash
# Regenerates Sources/DLTFormats/Generated/*.pb.swift from scripts/protos/*.proto (kept outside
# Sources/ because SwiftPM warns about .proto files inside a target it cannot exclude them from).
# See docs/formats-generated.md. Needs:
#   - protoc: from the pip package grpcio-tools, in a git-ignored venv (.venv-proto by default;
#     created here if missing), or any protoc given as PROTOC=/path/to/protoc;
#   - protoc-gen-swift at the same version as the swift-protobuf runtime pinned in
#     Package.resolved; give it as PROTOC_GEN_SWIFT=/path, or this script builds it from the
#     swift-protobuf checkout SwiftPM already resolved for this package.
set -euo pipefail
cd "$(dirname "$0")/.."

protos=scripts/protos
out=Sources/DLTFormats/Generated
venv=${PROTO_VENV:-.venv-proto}

if [[ -z "${PROTOC:-}" ]]; then
    if [[ ! -x "$venv/bin/python" ]]; then
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet grpcio-tools
    fi
    protoc=("$venv/bin/python" -m grpc_tools.protoc)
else
    protoc=("$PROTOC")
fi

if [[ -z "${PROTOC_GEN_SWIFT:-}" ]]; then
    version=$(grep -A6 '"identity" : "swift-protobuf"' Package.resolved | sed -n 's/.*"version" : "\(.*\)".*/\1/p')
    checkout=$(ls -d .build*/checkouts/swift-protobuf 2>/dev/null | head -1)
    [[ -n "$checkout" && -n "$version" ]] || { echo "gen_protos: run 'swift package resolve' first, or set PROTOC_GEN_SWIFT" >&2; exit 2; }
    work=${TMPDIR:-/tmp}/dlt-protoc-gen-swift-$version
    if [[ ! -x "$work/.build/release/protoc-gen-swift" ]]; then
        rm -rf "$work"
        git clone --quiet "$checkout" "$work"
        git -C "$work" checkout --quiet "$version"
        swift build --package-path "$work" -c release --product protoc-gen-swift
    fi
    PROTOC_GEN_SWIFT=$work/.build/release/protoc-gen-swift
fi

rm -f "$out"/*.pb.swift
mkdir -p "$out"
# Internal visibility: the generated messages are an implementation detail of DLTFormats;
# its public API is SafeTensors, EventWriter and OnnxModelBuilder.
"${protoc[@]}" --plugin=protoc-gen-swift="$PROTOC_GEN_SWIFT" \
    --proto_path="$protos" \
    --swift_opt=Visibility=Internal \
    --swift_out="$out" \
    onnx.proto tensorboard_histogram.proto tensorboard_summary.proto tensorboard_event.proto
echo "gen_protos: wrote $(ls "$out"/*.pb.swift | tr '\n' ' ')"
