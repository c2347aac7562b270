#!/usr/bin/env python3
"""Reads `jfr print --json --events jdk.GCPhasePause,dirtypages.GcWrites` on stdin and prints, as CSV fields: the
number of pauses after the warm-up, their median, 90th percentile and longest duration (ms), and, where the
recording has dirtypages.GcWrites, the median, 90th percentile and largest time the two pause scans added (ms) and
how many pauses had a scan truncated. Pauses in the first <warmup> seconds of the recording are left out."""
import json
import re
import sys
from datetime import datetime


def seconds(iso):
    m = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?", iso)
    if not m:
        return 0.0
    h, mnt, s = m.groups()
    return int(h or 0) * 3600 + int(mnt or 0) * 60 + float(s or 0)


def when(iso):
    return datetime.fromisoformat(iso[:26].rstrip("Z")).timestamp()


def pct(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(p * len(s)))]


def main():
    warmup = float(sys.argv[1]) if len(sys.argv) > 1 else 0
    events = json.load(sys.stdin)["recording"]["events"]
    if not events:
        print(",,,,,,,")
        return
    start = min(when(e["values"]["startTime"]) for e in events)
    pauses = [seconds(e["values"]["duration"]) * 1000 for e in events
              if e["type"] == "jdk.GCPhasePause" and when(e["values"]["startTime"]) >= start + warmup]
    writes = [e["values"] for e in events if e["type"] == "dirtypages.GcWrites"]
    scans = [seconds(v["startScanTime"]) * 1000 + seconds(v["endScanTime"]) * 1000 for v in writes]
    truncated = sum(1 for v in writes if v["truncated"])
    print("%d,%.3f,%.3f,%.3f,%s,%s,%s,%s" % (
        len(pauses), pct(pauses, 0.5), pct(pauses, 0.9), max(pauses) if pauses else float("nan"),
        "%.3f" % pct(scans, 0.5) if scans else "", "%.3f" % pct(scans, 0.9) if scans else "",
        "%.3f" % max(scans) if scans else "", truncated if writes else ""))


main()
