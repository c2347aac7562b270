#!/usr/bin/env python3
"""Reads `jfr print --json --events dirtypages.Scan` on stdin and prints, as CSV fields: the number of timer
scans, the median scan duration (ms), CPU time (ms) and allocation (bytes) per scan, the mean MiB written per
scan, and the share of written pages that adaptive arming assumed rather than measured. The first two scans
(the JIT still warming up the agent's code) are left out of the medians."""
import json
import re
import statistics
import sys


def seconds(iso):
    """JFR prints durations as ISO-8601, e.g. PT0.0012S, PT1M2.5S."""
    m = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?", iso)
    if not m:
        return 0.0
    h, mnt, s = m.groups()
    return int(h or 0) * 3600 + int(mnt or 0) * 60 + float(s or 0)


def main():
    events = [e["values"] for e in json.load(sys.stdin)["recording"]["events"]]
    timer = [v for v in events if v["trigger"] == "timer"]
    steady = timer[2:] or timer
    if not steady:
        print(",,,,,")
        return
    written = sum(v["writtenPages"] for v in events)
    assumed = sum(v.get("assumedPages", 0) for v in events)
    print("%d,%.3f,%.3f,%d,%.1f,%.3f" % (
        len(timer),
        statistics.median(seconds(v["duration"]) * 1000 for v in steady),
        statistics.median(seconds(v["cpuTime"]) * 1000 for v in steady),
        statistics.median(v["allocated"] for v in steady),
        statistics.mean(v["writtenPages"] for v in steady) * 4096 / 2**20,
        assumed / written if written else 0.0))


if __name__ == "__main__":
    main()
