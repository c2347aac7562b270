#!/usr/bin/env python3
"""Reads overhead.sh's CSV and prints, per configuration, the median throughput ratio (with agent /
without) of the interleaved pairs, its spread (min..max of the per-pair ratios) and the overhead."""
import csv
import statistics
import sys
from collections import defaultdict


def main(path):
    pairs = defaultdict(dict)
    for row in csv.DictReader(open(path)):
        if not row["ops_per_second"]:
            continue
        key = (row["workload"], row["heap"], row["interval"])
        pairs[key].setdefault(row["pair"], {})[row["side"]] = float(row["ops_per_second"])
    print("| workload | heap | interval | pairs | without (ops/s, median) | with | ratio (median) | spread | overhead |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for key in sorted(pairs):
        complete = [p for p in pairs[key].values() if "with" in p and "without" in p]
        if not complete:
            continue
        ratios = [p["with"] / p["without"] for p in complete]
        ratio = statistics.median(ratios)
        print("| %s | %s | %s | %d | %.4g | %.4g | %.3f | %.3f..%.3f | %+.1f%% |" % (
            key[0], key[1], key[2], len(complete),
            statistics.median(p["without"] for p in complete), statistics.median(p["with"] for p in complete),
            ratio, min(ratios), max(ratios), (1 / ratio - 1) * 100))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "target/overhead/overhead.csv")
