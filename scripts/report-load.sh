#!/usr/bin/env bash
# The HTML report's budget check: a recording shaped like one hour at interval=1s (3600 scans, a 4 GiB heap,
# about a million DirtyRange events) made in ~40 s at interval=10ms, then the report's generation time, peak
# memory and file size. Needs the built jars (mvn -B package -DskipTests) and 4 GiB of memory for the child.
# Usage: scripts/report-load.sh [seconds=40] [pagesPerSecond=28000]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-40}
rate=${2:-28000}
out=target/report-load
mkdir -p "$out"
rm -f "$out/hour.jfr" "$out/hour.html"

java -Xms4g -Xmx4g -XX:+UseG1GC \
     -javaagent:agent/target/dirtypages-agent.jar=interval=10ms,file="$out/hour.jfr" \
     -cp samples/target/dirtypages-samples.jar dev.dirtypages.samples.ScatteredWriter "$seconds" 2560 "$rate" 20 42 \
     > "$out/child.log" 2>&1

jfr summary "$out/hour.jfr" | grep -E ' (dirtypages\.(Scan|DirtyRange)|jdk\.GarbageCollection) '
ls -l "$out/hour.jfr" | awk '{printf "recording: %.1f MiB\n", $5 / 1048576}'
/usr/bin/time -f 'generation: %e s wall, %U s user, peak RSS %M KiB' \
    java -jar agent/target/dirtypages-agent.jar report "$out/hour.jfr" -o "$out/hour.html"
ls -l "$out/hour.html" | awk '{printf "report: %.2f MiB\n", $5 / 1048576}'
