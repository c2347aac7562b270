#!/usr/bin/env python3
"""Turns the JMH JSON of ScanRearmBenchmark into the Markdown tables of docs/benchmarks.md.

    python3 benchmarks/jmh-table.py scan-rearm.json

Works for AverageTime and SampleTime results; for SampleTime it adds the median and the sample count,
and the ratios are taken between medians (robust to the odd preempted sample on a shared machine).
"""
import json
import sys

ORDER = ["scanAndRearm", "scanOnly", "pread", "preadThenWriteProtectRange", "preadThenWriteProtectRuns"]
DIRTINESS = ["clean", "1pct", "full"]


def samples(metric):
    hist = metric.get("rawDataHistogram")
    if not hist:
        return None
    return sum(count for fork in hist for iteration in fork for _, count in iteration)


def main(path):
    with open(path) as f:
        runs = json.load(f)
    rows = {}
    for run in runs:
        name = run["benchmark"].rsplit(".", 1)[1]
        p = run["params"]
        m = run["primaryMetric"]
        if m["scoreUnit"] != "ms/op":
            sys.exit("expected ms/op, got " + m["scoreUnit"])
        pct = m.get("scorePercentiles", {})
        median = float(pct["50.0"]) if run["mode"] == "sample" else None
        key = (name, int(p["gib"]), p["dirtiness"], int(p.get("scanCapacity", 0)))
        rows[key] = dict(mean=float(m["score"]), err=float(m["scoreError"]), median=median, n=samples(m))
    sizes = sorted({k[1] for k in rows})
    caps = sorted({k[3] for k in rows})
    sampled = any(r["median"] is not None for r in rows.values())

    if sampled:
        print("| benchmark | dirtiness | GiB | samples | mean ms/op (± 99.9% error) | median ms/op | mean ms/GiB | median ms/GiB |")
        print("|---|---|---:|---:|---:|---:|---:|---:|")
    else:
        print("| benchmark | dirtiness | GiB | ms/op (± 99.9% error) | ms/GiB |")
        print("|---|---|---:|---:|---:|")
    for gib in sizes:
        for name in ORDER:
            for d in DIRTINESS:
                for cap in caps:
                    r = rows.get((name, gib, d, cap))
                    if not r:
                        continue
                    label = name if len(caps) == 1 else "%s (capacity %d)" % (name, cap)
                    if sampled:
                        print("| %s | %s | %d | %d | %.3f ± %.3f | %.3f | %.3f | %.3f |" % (
                            label, d, gib, r["n"], r["mean"], r["err"], r["median"], r["mean"] / gib, r["median"] / gib))
                    else:
                        print("| %s | %s | %d | %.3f ± %.3f | %.3f |" % (label, d, gib, r["mean"], r["err"], r["mean"] / gib))
    print()
    what = "medians" if sampled else "means"
    print("Ratios between the %s of the same run (how many times the PAGEMAP_SCAN figure):" % what)
    print()
    print("| GiB | dirtiness | pread + WP range / scanAndRearm | pread + WP runs / scanAndRearm | pread / scanOnly |")
    print("|---:|---|---:|---:|---:|")
    cap = caps[0]
    for gib in sizes:
        for d in DIRTINESS:
            def get(n):
                r = rows.get((n, gib, d, cap))
                return (r["median"] if sampled else r["mean"]) if r else None
            sr, so = get("scanAndRearm"), get("scanOnly")
            cells = []
            for num, den in ((get("preadThenWriteProtectRange"), sr), (get("preadThenWriteProtectRuns"), sr),
                             (get("pread"), so)):
                cells.append("%.1fx" % (num / den) if num and den else "-")
            print("| %d | %s | %s |" % (gib, d, " | ".join(cells)))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "jmh-result.json")
