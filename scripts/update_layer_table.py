#!/usr/bin/env python3
"""Rewrites docs/config.md's layer table from the layer registry.

LayerRegistryTests fails while the table and the registry differ and prints the table the
registry renders; this runs that test and puts the printed table in place of the old one.
Usage: scripts/update_layer_table.py   (from the repository root)
"""
import os
import subprocess
import sys

HEADER = "| type | key | type | default | meaning |"
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def rendered_table():
    run = subprocess.run(["swift", "test", "--filter", "LayerRegistryTests"], cwd=ROOT,
                         capture_output=True, text=True)
    lines = (run.stdout + run.stderr).split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip() == HEADER), None)
    if start is None:
        return None
    table = []
    for line in lines[start:]:
        if not line.strip().startswith("|"):
            break
        table.append(line.strip())
    return table


def main():
    table = rendered_table()
    if table is None:
        print("the layer table is already up to date (or the test did not run)")
        return 0
    path = os.path.join(ROOT, "docs", "config.md")
    doc = open(path, encoding="utf-8").read().split("\n")
    start = doc.index(HEADER)
    end = doc.index("", start)
    doc[start:end] = table
    open(path, "w", encoding="utf-8").write("\n".join(doc))
    print(f"docs/config.md: layer table rewritten ({len(table) - 2} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
