#!/usr/bin/env python3
"""Writes the generated inputs of the bad-input suite into DIR (standard library only).

Usage: gen_data.py DIR

Valid tiny files (img.idx 12 images of 8x8, lab.idx labels 0..2, inputs.npy 8x2 float32,
labels.npy 8 int64) and, next to them, copies with one mistake each.
"""
import gzip
import os
import struct
import sys
import zlib


def idx_images(count, rows, cols, magic=0x00000803):
    body = bytes((i * 37 + j * 11) % 256 for i in range(count) for j in range(rows * cols))
    return struct.pack(">IIII", magic, count, rows, cols) + body


def idx_labels(labels):
    return struct.pack(">II", 0x00000801, len(labels)) + bytes(labels)


def npy(header_dict, payload, magic=b"\x93NUMPY"):
    header = header_dict.encode("latin1")
    total = len(magic) + 4 + len(header) + 1
    header += b" " * ((64 - total % 64) % 64) + b"\n"
    return magic + b"\x01\x00" + struct.pack("<H", len(header)) + header + payload


def png_gray(width, height):
    raw = b"".join(b"\x00" + bytes((x * 20 + y) % 256 for x in range(width)) for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    os.makedirs(os.path.join(out, "a_directory"), exist_ok=True)

    def write(name, data):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)

    images = idx_images(12, 8, 8)
    write("img.idx", images)
    write("lab.idx", idx_labels([i % 3 for i in range(12)]))
    write("lab_short.idx", idx_labels([i % 3 for i in range(10)]))
    write("lab_big.idx", idx_labels([i % 3 for i in range(11)] + [9]))
    write("img_badmagic.idx", idx_images(12, 8, 8, magic=0x00000903))
    write("img_short_body.idx", images[:-20])
    packed = gzip.compress(images, mtime=0)
    write("img.idx.gz", packed)
    write("img_truncated.idx.gz", packed[: len(packed) // 2])
    corrupt = bytearray(packed)
    for i in range(12, len(corrupt) - 8, 7):  # damage the deflate stream, keep the gzip header
        corrupt[i] ^= 0x5A
    write("img_corrupt.idx.gz", bytes(corrupt))
    write("cifar_bad.bin", bytes(3073 * 2 + 100))
    features = struct.pack("<16f", *[0, 0, 0, 1, 1, 0, 1, 1, .5, .5, .2, .9, .9, .1, .1, .1])
    write("inputs.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (8, 2), }", features))
    write("labels.npy", npy("{'descr': '<i8', 'fortran_order': False, 'shape': (8,), }",
                            struct.pack("<8q", 0, 1, 1, 0, 1, 1, 1, 0)))
    write("bad_header.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (8, 2 }", features))
    write("image_8x8.png", png_gray(8, 8))
    write("image_10x10.png", png_gray(10, 10))


if __name__ == "__main__":
    main()
