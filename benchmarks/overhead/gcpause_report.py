#!/usr/bin/env python3
"""Prints the gcpause.sh CSV as a markdown table: per workload and heap, each variant's pause median, p90 and
max (median over the rounds), the scans' own share with gcepochs, and the pause median added against the agent without gcepochs."""
import csv
import statistics
import sys
from collections import defaultdict


def med(rows, key):
    vals = [float(r[key]) for r in rows if r[key] not in ("", "nan")]
    return statistics.median(vals) if vals else float("nan")


def main():
    rows = list(csv.DictReader(open(sys.argv[1])))
    groups = defaultdict(list)
    for r in rows:
        groups[(r["workload"], r["heap"], r["variant"])].append(r)
    keys = sorted({(w, h) for (w, h, _) in groups})
    print("| workload | heap | pauses/run | pause median ms: jfr / agent / gcepochs | p90 ms: jfr / agent / gcepochs "
          "| gcepochs scans in the pause, ms: median / p90 / max | added to the median pause vs agent |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for w, h in keys:
        v = {name: groups.get((w, h, name), []) for name in ("jfr", "agent", "gcepochs")}
        g = v["gcepochs"]
        if not med(g, "pauses") > 0:
            print("| %s | %s | 0 | no collection during the runs | | | |" % (w, h))
            continue
        added = med(g, "pause_median_ms") - med(v["agent"], "pause_median_ms")
        print("| %s | %s | %.0f | %.3f / %.3f / %.3f | %.3f / %.3f / %.3f | %.3f / %.3f / %.3f | %+.3f ms |" % (
            w, h, med(g, "pauses"),
            med(v["jfr"], "pause_median_ms"), med(v["agent"], "pause_median_ms"), med(g, "pause_median_ms"),
            med(v["jfr"], "pause_p90_ms"), med(v["agent"], "pause_p90_ms"), med(g, "pause_p90_ms"),
            med(g, "scans_median_ms"), med(g, "scans_p90_ms"), med(g, "scans_max_ms"), added))


main()
