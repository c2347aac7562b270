#!/usr/bin/env python3
"""Turns the JMH JSON of OffHeapAllocationBenchmark into the Markdown table of docs/offheap.md.

    python3 benchmarks/jmh-offheap-table.py offheap.json

One row per operation, size and agent variant: the mean ns/op with JMH's 99.9% error, the ratio to the same
operation and size without the agent, and the nanoseconds the agent adds.
"""
import json
import re
import sys

VARIANTS = ["NoAgent", "HeapOnly", "Tracked", "Scanned", "Recorded"]
OPERATIONS = {"direct": "allocateDirect + cleaner", "unsafe": "allocateMemory + freeMemory",
              "armed": "allocateMemory + freeMemory of a block allocated 20,000 earlier (armed)"}


def main(path):
    with open(path) as f:
        runs = json.load(f)
    rows = {}
    for run in runs:
        name = run["benchmark"].rsplit(".", 1)[1]
        m = re.match(r"([a-z]+)([A-Z]\w+)", name)
        op, variant = m.group(1), m.group(2)
        size = int(run["params"]["size"])
        metric = run["primaryMetric"]
        if metric["scoreUnit"] != "ns/op":
            sys.exit("expected ns/op, got " + metric["scoreUnit"])
        rows[(op, size, variant)] = (float(metric["score"]), float(metric["scoreError"]))
    print("| operation | bytes | agent | ns/op (± 99.9% error) | × no agent | added ns |")
    print("|---|---:|---|---:|---:|---:|")
    for op in OPERATIONS:
        for size in sorted({k[1] for k in rows if k[0] == op}):
            base = rows.get((op, size, "NoAgent"))
            for variant in VARIANTS:
                r = rows.get((op, size, variant))
                if r is None:
                    continue
                ratio = "%.2f" % (r[0] / base[0]) if base else ""
                added = "%+.0f" % (r[0] - base[0]) if base else ""
                err = "%.1f" % r[1] if r[1] == r[1] else "n/a"
                print("| %s | %d | %s | %.1f ± %s | %s | %s |" % (OPERATIONS[op], size, variant, r[0], err, ratio, added))


if __name__ == "__main__":
    main(sys.argv[1])
