#!/usr/bin/env python3
"""Reads overhead.sh's CSV and prints one markdown table row per configuration and agent variant: the median
throughput ratio (with the agent / without, taken pair by pair), its spread (min..max of the per-pair
ratios), the overhead that ratio means, and the median per-scan cost read from the agent's recordings."""
import csv
import statistics
import sys
from collections import defaultdict


def number(text):
    return float(text) if text not in ("", None) else None


def load(path):
    """The runs of one CSV file: (workload, heap, interval) -> pair -> side -> row; failed runs left out."""
    runs = defaultdict(lambda: defaultdict(dict))
    for row in csv.DictReader(open(path)):
        if row["ops_per_second"]:
            runs[(row["workload"], row["heap"], row["interval"])][row["pair"]][row["side"]] = row
    return runs


def ratios(by_pair, side):
    """The throughput ratios side / without of the pairs that have both."""
    return [float(p[side]["ops_per_second"]) / float(p["without"]["ops_per_second"])
            for p in by_pair.values() if side in p and "without" in p]


def main(path):
    runs = load(path)
    print("| workload | heap | interval | agent | pairs | without (ops/s) | with (ops/s) | ratio (median) | spread "
          "| overhead | scan ms | scan CPU ms | scan alloc B | MiB written/scan | assumed | THP splits |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for key in sorted(runs, key=lambda k: (k[0], k[1], seconds(k[2]))):
        sides = sorted({s for pair in runs[key].values() for s in pair if s != "without"})
        for side in sides:
            complete = [p for p in runs[key].values() if side in p and "without" in p]
            if not complete:
                continue
            per_pair = ratios(runs[key], side)
            ratio = statistics.median(per_pair)

            def med(field):
                values = [number(p[side][field]) for p in complete if number(p[side][field]) is not None]
                return statistics.median(values) if values else None

            def fmt(value, pattern):
                return pattern % value if value is not None else "-"

            print("| %s | %s | %s | %s | %d | %.4g | %.4g | %.3f | %.3f..%.3f | %+.1f%% | %s | %s | %s | %s | %s | %s |" % (
                key[0], key[1], key[2], side, len(complete),
                statistics.median(float(p["without"]["ops_per_second"]) for p in complete),
                statistics.median(float(p[side]["ops_per_second"]) for p in complete),
                ratio, min(per_pair), max(per_pair), (1 / ratio - 1) * 100,
                fmt(med("scan_ms"), "%.2f"), fmt(med("scan_cpu_ms"), "%.2f"), fmt(med("scan_alloc_bytes"), "%.0f"),
                fmt(med("written_mib_per_scan"), "%.1f"),
                fmt(med("assumed_share"), "%.2f"), fmt(med("thp_splits"), "%.0f")))


def seconds(interval):
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}
    for unit in ("ms", "s", "m", "h"):
        if interval.endswith(unit):
            return float(interval[: -len(unit)]) * units[unit]
    return 0.0


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "target/overhead/overhead.csv")
