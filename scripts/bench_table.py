#!/usr/bin/env python3
"""The tables of scripts/bench_vs_pytorch.sh from its runs/bench/results.jsonl, as Markdown on stdout
(docs/performance.md explains the columns)."""
import argparse
import datetime
import json
import os
import platform


def ratio(a, b):
    return f"{a / b:.2f}" if b else "–"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results")
    parser.add_argument("--quick", default="0")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--load-before", default="?")
    args = parser.parse_args()
    results = [json.loads(line) for line in open(args.results) if line.strip()]
    engine = [r for r in results if r["kind"] == "engine"]
    end_to_end = [r for r in results if r["kind"] == "end_to_end"]

    load_after = " ".join(open("/proc/loadavg").read().split()[:3])
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")),
               platform.processor())
    versions = ""
    if engine:
        versions = f"PyTorch {engine[0]['pytorch']['version']}; onnxruntime {engine[0]['onnxruntime']['version']}; "
    print(f"Date: {datetime.date.today().isoformat()}; CPU: {cpu}, {os.cpu_count()} cores; {versions}"
          f"load average (1/5/15 min) {args.load_before} before, {load_after} after")
    if args.quick == "1":
        print()
        print("**QUICK=1: 10 timed steps per phase; these figures are a smoke run, not a benchmark.**")

    if engine:
        print()
        print("| model | batch | threads | dlt train img/s | PyTorch train img/s | train dlt/PyTorch "
              "| dlt infer img/s | PyTorch infer img/s | onnxruntime infer img/s | infer dlt/PyTorch "
              "| infer dlt/onnxruntime | dlt MFU | PyTorch MFU | peak RSS MB dlt / PyTorch / onnxruntime |")
        print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
        for r in engine:
            d, p, o = r["dlt"], r["pytorch"], r["onnxruntime"]
            # PyTorch's MFU: the same model FLOPs (dlt's count) over dlt's sgemm peak of this run.
            torch_mfu = d["training_flops_per_sample"] * p["images_per_second"] / (d["sgemm_gflops"] * 1e9)
            print(f"| {r['model']} | {r['batch_size']} | {r['threads']} "
                  f"| {d['images_per_second']:.0f} | {p['images_per_second']:.0f} "
                  f"| {ratio(d['images_per_second'], p['images_per_second'])} "
                  f"| {d['infer_images_per_second']:.0f} | {p['infer_images_per_second']:.0f} "
                  f"| {o['infer_images_per_second']:.0f} "
                  f"| {ratio(d['infer_images_per_second'], p['infer_images_per_second'])} "
                  f"| {ratio(d['infer_images_per_second'], o['infer_images_per_second'])} "
                  f"| {100 * d['mfu']:.1f} % | {100 * torch_mfu:.1f} % "
                  f"| {d['peak_rss_mb']:.0f} / {p['peak_rss_mb']:.0f} / {o['peak_rss_mb']:.0f} |")
        print()
        peaks = sorted(r["dlt"]["sgemm_gflops"] for r in engine)
        rounds = engine[0]["dlt"].get("rounds", 1)
        print(f"Synthetic batches, `dlt bench` timing on all three; each figure the median of {rounds} alternated "
              f"round(s). sgemm peak measured by each `dlt bench`: {peaks[0]:.0f}-{peaks[-1]:.0f} GFLOP/s.")

    if end_to_end:
        print()
        print("End to end on Fashion-MNIST: one epoch over the training images, accuracy on the 10,000 test images:")
        if args.limit:
            print()
            print(f"**trained on the first {args.limit} images only; these figures say nothing about a full epoch.**")
        print()
        print("| model | batch | threads | dlt img/s | PyTorch img/s | ratio | dlt acc | PyTorch acc "
              "| dlt peak RSS MB | PyTorch peak RSS MB |")
        print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
        for r in end_to_end:
            d, p = r["dlt"], r["pytorch"]
            print(f"| {r['model']} | {r['batch_size']} | {r['threads']} "
                  f"| {d['images_per_second']:.0f} | {p['images_per_second']:.0f} "
                  f"| {ratio(d['images_per_second'], p['images_per_second'])} "
                  f"| {d['test_accuracy']:.4f} | {p['test_accuracy']:.4f} "
                  f"| {d['peak_rss_mb']:.0f} | {p['peak_rss_mb']:.0f} |")
        print()
        print("`dlt predict` on the 10,000 test images, whole process (checkpoint load, gzip decode, inference, CSV):")
        print()
        print("| model | threads | seconds | img/s |")
        print("|---|--:|--:|--:|")
        for r in end_to_end:
            d = r["dlt"]
            print(f"| {r['model']} (trained b{r['batch_size']}) | {r['threads']} | {d['predict_seconds']:.2f} "
                  f"| {d['predict_rows'] / d['predict_seconds']:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
