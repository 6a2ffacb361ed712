"""(d) TensorBoard reads DIR/tb: scalar series train_loss, val_loss, train_accuracy, val_accuracy,
lr and images_per_second with one point per epoch, equal to DIR/metrics.jsonl.
(e) `dlt plot DIR` writes a valid PNG (signature, chunk CRCs, image data of the declared size)
and an SVG.
"""
import json
import os
import struct
import zlib

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

TAGS = ["train_loss", "val_loss", "train_accuracy", "val_accuracy", "lr", "images_per_second"]
EPOCHS = 2


def check_tensorboard(dlt, report, tmp):
    run = os.path.join(tmp, "tb_run")
    if not dlt.must(report, "tensorboard train", "train", "configs/mnist_mlp.yaml", "--epochs", EPOCHS,
                    "--train-limit", 512, "--out", run, "--overwrite"):
        return None
    accumulator = EventAccumulator(os.path.join(run, "tb"), size_guidance={"scalars": 0})
    accumulator.Reload()
    scalars = accumulator.Tags().get("scalars", [])
    with open(os.path.join(run, "metrics.jsonl")) as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    for tag in TAGS:
        if tag not in scalars:
            report.check(f"tensorboard {tag}", False, f"no such scalar; tags: {sorted(scalars)}")
            continue
        values = [event.value for event in accumulator.Scalars(tag)]
        logged = [float(row[tag]) for row in rows if tag in row]
        matches = len(logged) == len(values) and all(abs(a - b) <= 1e-5 * max(1.0, abs(b)) for a, b in zip(values, logged))
        report.check(f"tensorboard {tag}", len(values) == EPOCHS and matches,
                     f"{len(values)} points {[round(v, 5) for v in values]}, metrics.jsonl {[round(v, 5) for v in logged]}")
    return run


def png_problem(path):
    """None if `path` is a well-formed PNG, else what is wrong."""
    blob = open(path, "rb").read()
    if blob[:8] != b"\x89PNG\r\n\x1a\n":
        return "bad signature"
    at, chunks, idat = 8, [], b""
    while at < len(blob):
        (length,) = struct.unpack(">I", blob[at:at + 4])
        kind, data = blob[at + 4:at + 8], blob[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", blob[at + 8 + length:at + 12 + length])
        if zlib.crc32(kind + data) != crc:
            return f"bad CRC in chunk {kind!r}"
        chunks.append(kind)
        idat += data if kind == b"IDAT" else b""
        at += 12 + length
    if not chunks or chunks[0] != b"IHDR" or chunks[-1] != b"IEND":
        return f"chunks {chunks[:3]}...{chunks[-1:]}"
    width, height, depth, colour = struct.unpack(">IIBB", blob[16:26])
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(colour, 0)
    expected = height * (1 + (width * channels * depth + 7) // 8)
    pixels = zlib.decompress(idat)
    if width == 0 or height == 0 or len(pixels) != expected:
        return f"{width}x{height}: {len(pixels)} bytes of image data, expected {expected}"
    return None


def check_plot(dlt, report, run):
    png, svg = os.path.join(run, "curves.png"), os.path.join(run, "curves.svg")
    if dlt.must(report, "plot png", "plot", run, "-o", png):
        problem = png_problem(png)
        report.check("plot png is a valid PNG", problem is None, problem or f"{os.path.getsize(png)} bytes")
    if dlt.must(report, "plot svg", "plot", run, "-o", svg):
        text = open(svg).read()
        report.check("plot svg is an SVG", "<svg" in text and text.rstrip().endswith("</svg>"), f"{len(text)} chars")


def check_all(dlt, report, tmp):
    run = check_tensorboard(dlt, report, tmp)
    if run:
        check_plot(dlt, report, run)
