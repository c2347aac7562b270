#!/usr/bin/env bash
# The main job: build dirtypages, run the agent on a sample workload (a heap that grows from 64 MiB,
# eden churn and random old-generation writes), write a JFR recording, print a readable summary and write the
# recording's HTML report.
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -q install -DskipTests

out=target/demo
mkdir -p "$out"
recording="$out/heap.jfr"
rm -f "$recording"

java -Xms64m -Xmx512m -XX:+UseG1GC \
     -javaagent:agent/target/dirtypages-agent.jar=interval=200ms,file="$recording" \
     -cp samples/target/dirtypages-samples.jar dev.dirtypages.samples.HeapWorkload 10 64

java -jar agent/target/dirtypages-agent.jar summary "$recording"
echo "recording: $recording (open it in JDK Mission Control, or: jfr print --events dirtypages.Scan $recording)"
report=$(java -jar agent/target/dirtypages-agent.jar report "$recording" -o "$out/heap.html")
echo "report: $report (open it in a browser: the heatmap of written memory, the GCs, the rates)"
