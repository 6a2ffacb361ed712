#!/usr/bin/env python3
"""Compares two safetensors files tensor by tensor, bit for bit (standard library only).

Usage: compare_safetensors.py A B [--tolerance X]
Prints one line per differing tensor and a summary; exit 0 if every tensor (model weights and
`optimizer.*` state) has the same name, dtype, shape and bytes in both files, else 1.
With --tolerance, only the model tensors are compared, as float32 values: exit 0 when the
largest |A - B| is at most X (it is printed).
The format: 8-byte little-endian header length N, N bytes of JSON {name: {dtype, shape,
data_offsets: [begin, end]}, "__metadata__": {...}}, then the data block.
"""
import array
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


def within(a, b, tolerance):
    largest = 0.0
    for name in sorted(n for n in set(a) | set(b) if not n.startswith("optimizer.")):
        if name not in a or name not in b or a[name][:2] != b[name][:2]:
            print(f"  differs: {name}: missing, or another dtype/shape")
            return 1
        x, y = array.array("f", a[name][2]), array.array("f", b[name][2])
        largest = max([largest] + [abs(p - q) for p, q in zip(x, y)])
    print(f"  max |difference| over the model tensors: {largest:.3g} (tolerance {tolerance:g})")
    return 0 if largest <= tolerance else 1


def main():
    if len(sys.argv) not in (3, 5) or (len(sys.argv) == 5 and sys.argv[3] != "--tolerance"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    a, b = read(sys.argv[1]), read(sys.argv[2])
    if len(sys.argv) == 5:
        return within(a, b, float(sys.argv[4]))
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
