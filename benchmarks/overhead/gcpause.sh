#!/usr/bin/env bash
# What gcepochs=true adds to garbage-collection pauses: each workload of samples/ run with a JFR recording and no
# agent (jfr), with the agent (agent: its defaults, interval=1s), and with the agent and gcepochs=true, interleaved with the
# order rotated every round. Reads the pauses from each run's recording (jdk.GCPhasePause: one event per
# stop-the-world pause, all collectors) and, for gcepochs, what the two scans added to each pause
# (dirtypages.GcWrites startScanTime + endScanTime, measured inside the pause). Writes one CSV row per run and
# prints the table (benchmarks/overhead/gcpause_report.py).
#
#   benchmarks/overhead/gcpause.sh [out.csv]
#
# Environment (defaults in brackets):
#   PAIRS [3]            rounds (each runs every variant once)
#   SECONDS_PER_RUN [10] how long each workload runs after its warm-up
#   WARMUP [3]           seconds each run works before it measures
#   WORKLOADS ["HeapWorkload OldGenMutator DirectBufferWriter CompilerWorkload"]
#   HEAPS ["512m 4g"]    -Xms = -Xmx
#   JVM_FLAGS ["-XX:+UseG1GC"]
#   JAVA [java]
set -euo pipefail
cd "$(dirname "$0")/../.."

out="${1:-target/gcpause/gcpause.csv}"
pairs="${PAIRS:-3}"
seconds="${SECONDS_PER_RUN:-10}"
warmup="${WARMUP:-3}"
workloads="${WORKLOADS:-HeapWorkload OldGenMutator DirectBufferWriter CompilerWorkload}"
heaps="${HEAPS:-512m 4g}"
jvm_flags="${JVM_FLAGS:--XX:+UseG1GC}"
java="${JAVA:-java}"
jfr_tool="$(dirname "$(readlink -f "$(command -v "$java")")")/jfr"
agent=agent/target/dirtypages-agent.jar
samples=samples/target/dirtypages-samples.jar
jfc="$PWD/agent/src/main/resources/dirtypages.jfc"

[ -f "$agent" ] && [ -f "$samples" ] || mvn -B -q -pl agent,samples -am package -DskipTests
mkdir -p "$(dirname "$out")"
recording="$(dirname "$out")/run.jfr"
echo "workload,heap,variant,pair,pauses,pause_median_ms,pause_p90_ms,pause_max_ms,scans_median_ms,scans_p90_ms,scans_max_ms,truncated" > "$out"

args_for() {
    case "$1" in
        HeapWorkload) echo "$seconds 64" ;;
        OldGenMutator) echo "$seconds 128" ;;
        DirectBufferWriter) echo "$seconds 64 1024" ;;
        CompilerWorkload) echo "$seconds native-helper/src/main/java $(ls ~/.m2/repository/net/java/dev/jna/jna/5.19.1/jna-5.19.1.jar)" ;;
    esac
}

flags_for() { # variant
    case "$1" in
        jfr) echo "-XX:StartFlightRecording=settings=$jfc,filename=$recording" ;;
        agent) echo "-javaagent:$agent=interval=1s,log=off,file=$recording -Dworkload.awaitAgent=true" ;;
        gcepochs) echo "-javaagent:$agent=interval=1s,log=off,gcepochs=true,file=$recording -Dworkload.awaitAgent=true" ;;
    esac
}

variants=(jfr agent gcepochs)
for w in $workloads; do
    for heap in $heaps; do
        for pair in $(seq 1 "$pairs"); do
            n=${#variants[@]}
            for k in $(seq 0 $((n - 1))); do
                v=${variants[$(( (k + pair) % n ))]}
                rm -f "$recording"
                # shellcheck disable=SC2046,SC2086
                "$java" -Xms"$heap" -Xmx"$heap" $jvm_flags -Dworkload.warmup="$warmup" $(flags_for "$v") -cp "$samples" \
                    dev.dirtypages.samples."$w" $(args_for "$w") > /dev/null 2>&1
                r=$("$jfr_tool" print --json --events jdk.GCPhasePause,dirtypages.GcWrites "$recording" \
                    | python3 benchmarks/overhead/gcpause_stats.py "$warmup")
                echo "$w,$heap,$v,$pair,$r" >> "$out"
                echo "$w heap=$heap pair=$pair $v: $r" >&2
            done
        done
    done
done
python3 benchmarks/overhead/gcpause_report.py "$out"
