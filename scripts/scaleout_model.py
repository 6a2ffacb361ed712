#!/usr/bin/env python3
"""Cost model of data-parallel training on N machines (docs/scale-out.md).

A step is compute, then one ring allreduce of the gradients (dlt does not overlap the two):
  allreduce(N) = 2 (N-1)/N * bytes / bandwidth + 2 (N-1) * latency
  efficiency(N) = compute(N) / (compute(N) + allreduce(N))
Two ways to grow: a fixed global batch (each machine's compute shrinks as 1/N: strong scaling),
or a fixed batch per machine (compute stays: weak scaling, the global batch grows with N).

Usage: scaleout_model.py GRADIENT_BYTES STEP_SECONDS_AT_GLOBAL_BATCH [LATENCY_US]
  STEP_SECONDS_AT_GLOBAL_BATCH: one machine's (1 thread) time for a step of the whole global batch.
"""
import sys


def allreduce(n, size, gbits, latency):
    return 2 * (n - 1) / n * size / (gbits * 1e9 / 8) + 2 * (n - 1) * latency


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__.strip().splitlines()[-2], file=sys.stderr)
        return 2
    size, step = float(sys.argv[1]), float(sys.argv[2])
    latency = float(sys.argv[3]) * 1e-6 if len(sys.argv) == 4 else 30e-6
    print(f"gradients {size / 1e6:.3f} MB, one machine's step {step * 1e3:.1f} ms, latency {latency * 1e6:.0f} us per hop")
    print("| N | allreduce 10 Gbit/s | allreduce 25 Gbit/s | strong scaling 10 / 25 | weak scaling 10 / 25 |")
    print("| --- | --- | --- | --- | --- |")
    largest = {}
    for n in range(2, 65):
        row = []
        for kind, compute in (("strong", step / n), ("weak", step)):
            for gbits in (10, 25):
                t = allreduce(n, size, gbits, latency)
                efficiency = compute / (compute + t)
                if efficiency >= 0.8:
                    largest[(kind, gbits)] = n
                row.append(efficiency)
        if n in (2, 4, 8, 16, 32, 64):
            a10, a25 = allreduce(n, size, 10, latency), allreduce(n, size, 25, latency)
            print(f"| {n} | {a10 * 1e3:.2f} ms | {a25 * 1e3:.2f} ms | {row[0]:.0%} / {row[1]:.0%} | {row[2]:.0%} / {row[3]:.0%} |")
    for (kind, gbits), n in sorted(largest.items()):
        print(f"largest N at >= 80% efficiency, {kind} scaling, {gbits} Gbit/s: {n}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
