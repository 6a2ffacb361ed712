#!/usr/bin/env python3
"""Compares two safetensors files tensor by tensor, bit for bit (standard library only).

Usage: compare_safetensors.py A B
Prints one line per differing tensor and a summary; exit 0 if every tensor (model weights and
`optimizer.*` state) has the same name, dtype, shape and bytes in both files, else 1.
The format: 8-byte little-endian header length N, N bytes of JSON {name: {dtype, shape,
data_offsets: [begin, end]}, "__metadata__": {...}}, then the data block.
"""
import json
import struct
import sys


def read(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    data = blob[8 + n:]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        tensors[name] = (info["dtype"], tuple(info["shape"]), data[begin:end])
    return tensors


def main():
    a, b = read(sys.argv[1]), read(sys.argv[2])
    bad = []
    for name in sorted(set(a) | set(b)):
        if name not in a or name not in b:
            bad.append(f"{name}: only in {'A' if name in a else 'B'}")
        elif a[name][:2] != b[name][:2]:
            bad.append(f"{name}: dtype/shape {a[name][:2]} vs {b[name][:2]}")
        elif a[name][2] != b[name][2]:
            diff = sum(1 for i in range(0, len(a[name][2]), 4) if a[name][2][i:i + 4] != b[name][2][i:i + 4])
            bad.append(f"{name}: {diff} of {len(a[name][2]) // 4} elements differ")
    model = sum(1 for n in a if not n.startswith("optimizer."))
    optim = len(a) - model
    for line in bad:
        print("  differs:", line)
    print(f"  {model} model tensors, {optim} optimizer tensors: {'identical' if not bad else f'{len(bad)} differ'}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
