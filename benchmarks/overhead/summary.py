#!/usr/bin/env python3
"""The compact overhead table of docs/performance.md: one row per workload and heap, one column per interval and
agent variant, each cell the median overhead of the interleaved pairs (with its spread). Reads one or more of
overhead.sh's CSV files; a configuration measured in several files takes the pairs of the last.

    python3 benchmarks/overhead/summary.py target/perf/main.csv target/perf/adaptive.csv
"""
import statistics
import sys
from collections import defaultdict

from report import load, ratios, seconds


def main(paths):
    rows = defaultdict(dict)
    columns = []
    for path in paths:
        for (workload, heap, interval), by_pair in load(path).items():
            sides = {s for p in by_pair.values() for s in p if s != "without"}
            for side in sides:
                per_pair = ratios(by_pair, side)
                if not per_pair:
                    continue
                column = interval + " " + side
                if column not in columns:
                    columns.append(column)
                median = statistics.median(per_pair)
                rows[(workload, heap)][column] = "%+.1f%% (%+.0f..%+.0f)" % (
                    (1 / median - 1) * 100, (1 / max(per_pair) - 1) * 100, (1 / min(per_pair) - 1) * 100)

    def order(column):
        interval, side = column.split(" ")
        return seconds(interval), side

    columns.sort(key=order)
    print("| workload | heap | " + " | ".join(columns) + " |")
    print("| --- | --- | " + " | ".join("---" for _ in columns) + " |")
    for (workload, heap) in sorted(rows, key=lambda k: (k[0], k[1] != "512m")):
        print("| %s | %s | %s |" % (workload, heap, " | ".join(rows[(workload, heap)].get(c, "") for c in columns)))


if __name__ == "__main__":
    main(sys.argv[1:] or ["target/perf/main.csv"])
