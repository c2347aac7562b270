#!/usr/bin/env bash
# The agent's scan + re-arm against the floor: the same 1 GiB of populated 4 KiB pages, clean, 1% written
# (every 100th page) and fully written, collected by the kernel layer the agent uses (JMH
# ScanRearmBenchmark.scanAndRearm: WriteTracker.collect through JNA, 512 regions per ioctl) and by a minimal C
# program making the same ioctls (benchmarks/src/main/c/floor.c), one after the other in one run. Prints the
# medians and their ratio.
#
#   benchmarks/overhead/floor.sh [out-dir]       (about 2 minutes; needs gcc and ~1.2 GiB of free memory)
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-target/floor}"
java="${JAVA:-java}"
mkdir -p "$out"
[ -f benchmarks/target/benchmarks.jar ] || mvn -B -q install -DskipTests
gcc -O2 -Wall -o "$out/floor" benchmarks/src/main/c/floor.c

: > "$out/floor.txt"
for permille in 0 10 1000; do
    "$out/floor" 1024 "$permille" 41 | tee -a "$out/floor.txt"
done
"$java" -jar benchmarks/target/benchmarks.jar 'ScanRearmBenchmark.scanAndRearm' -p gib=1 -p scanCapacity=512 \
    -rf json -rff "$out/jmh.json" > "$out/jmh.log"

python3 - "$out/floor.txt" "$out/jmh.json" <<'PY'
import json, re, sys
floor = {}
for line in open(sys.argv[1]):
    m = re.search(r"(\d+) permille dirty.*?scan\+rearm median ([\d.]+) us", line)
    if m:
        floor[{"0": "clean", "10": "1pct", "1000": "full"}[m.group(1)]] = float(m.group(2)) / 1000
agent = {}
for run in json.load(open(sys.argv[2])):
    pct = run["primaryMetric"]["scorePercentiles"]
    agent[run["params"]["dirtiness"]] = pct["50.0"]
print("| 1 GiB, populated | floor (C) median ms | agent's kernel layer (JMH) median ms | ratio |")
print("| --- | --- | --- | --- |")
for d in ("clean", "1pct", "full"):
    if d in floor and d in agent:
        print("| %s | %.3f | %.3f | %.2fx |" % (d, floor[d], agent[d], agent[d] / floor[d]))
PY
