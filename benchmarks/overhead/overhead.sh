#!/usr/bin/env bash
# Whole-process overhead of the agent: the same workload with and without it, interleaved A/B in one
# run, so that drift on the machine hits both sides alike. Writes one CSV row per run and prints the
# table (median ratio with-agent/without, and the spread of the per-pair ratios).
#
#   benchmarks/overhead/overhead.sh [out.csv]
#
# Environment (defaults in brackets): PAIRS [5] interleaved pairs per configuration, SECONDS_PER_RUN [20],
# WORKLOADS ["HeapWorkload OldGenMutator DirectBufferWriter CompilerWorkload"], HEAPS ["512m 4g"],
# INTERVALS ["100ms 1s 10s"], EXTRA_AGENT_OPTIONS [""], JAVA [java].
set -euo pipefail
cd "$(dirname "$0")/../.."

out="${1:-target/overhead/overhead.csv}"
pairs="${PAIRS:-5}"
seconds="${SECONDS_PER_RUN:-20}"
workloads="${WORKLOADS:-HeapWorkload OldGenMutator DirectBufferWriter CompilerWorkload}"
heaps="${HEAPS:-512m 4g}"
intervals="${INTERVALS:-100ms 1s 10s}"
java="${JAVA:-java}"
agent=agent/target/dirtypages-agent.jar
samples=samples/target/dirtypages-samples.jar

[ -f "$agent" ] && [ -f "$samples" ] || mvn -B -q install -DskipTests
mkdir -p "$(dirname "$out")"
echo "workload,heap,interval,side,pair,ops_per_second" > "$out"

args_for() {
    case "$1" in
        HeapWorkload) echo "$seconds 64" ;;
        OldGenMutator) echo "$seconds 128" ;;
        DirectBufferWriter) echo "$seconds 64 1024" ;;
        CompilerWorkload) echo "$seconds native-helper/src/main/java $(ls ~/.m2/repository/net/java/dev/jna/jna/5.19.1/jna-5.19.1.jar)" ;;
    esac
}

run() { # workload heap agent-option-or-empty
    local w="$1" heap="$2" agentopt="$3"
    local javaagent=()
    [ -n "$agentopt" ] && javaagent=("-javaagent:$agent=$agentopt")
    # shellcheck disable=SC2046
    "$java" -Xms"$heap" -Xmx"$heap" -XX:+UseG1GC "${javaagent[@]}" -cp "$samples" \
        dev.dirtypages.samples."$w" $(args_for "$w") 2>/dev/null \
        | sed -n 's/^RESULT .* opsPerSecond=\([0-9.]*\)$/\1/p'
}

for w in $workloads; do
    for heap in $heaps; do
        for interval in $intervals; do
            # The agent records (file=): without a recording that has its events enabled it does not scan at all,
            # which is not what a user pays for.
            opts="interval=$interval,log=off,file=$(dirname "$out")/with-agent.jfr${EXTRA_AGENT_OPTIONS:+,$EXTRA_AGENT_OPTIONS}"
            for pair in $(seq 1 "$pairs"); do
                # Alternate which side goes first, so that warm-up of the machine does not favour one.
                if [ $((pair % 2)) = 1 ]; then order="without with"; else order="with without"; fi
                for side in $order; do
                    if [ "$side" = with ]; then r=$(run "$w" "$heap" "$opts"); else r=$(run "$w" "$heap" ""); fi
                    echo "$w,$heap,$interval,$side,$pair,$r" >> "$out"
                    echo "$w heap=$heap interval=$interval pair=$pair $side: $r ops/s" >&2
                done
            done
        done
    done
done
python3 benchmarks/overhead/report.py "$out"
