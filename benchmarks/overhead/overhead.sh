#!/usr/bin/env bash
# Whole-process overhead of the agent: the same workload without the agent and with it in one or more
# configurations (variants), interleaved in one run with the order rotated every pair, so that drift on the
# machine hits every side alike. Writes one CSV row per run (with the per-scan cost read from the agent's
# recording) and prints the tables (benchmarks/overhead/report.py).
#
#   benchmarks/overhead/overhead.sh [out.csv]
#
# Environment (defaults in brackets):
#   PAIRS [5]             interleaved rounds per configuration (each round runs every side once)
#   SECONDS_PER_RUN [20]  how long each workload is measured, after its warm-up
#   WARMUP [3]            seconds each run works before it is measured (the JVM's and the agent's start)
#   WORKLOADS ["HeapWorkload OldGenMutator DirectBufferWriter CompilerWorkload DatabaseWorkload"]
#   HEAPS ["512m 4g"]     -Xms = -Xmx
#   INTERVALS ["100ms 1s 10s"]
#   VARIANTS ["collector"] agent configurations, each compared with the run without the agent:
#                           collector arming=collector (the default), with the agent's own recording (file=)
#                           plain     arming=plain, with the agent's own recording
#                           adaptive  arming=adaptive, with the agent's own recording
#                           empty     regions= : loaded, tracking nothing (no recording either)
#                           idle      regions=all but no recording and no consumer: armed once, never scanned
#                           jfr       no agent, but a recording with dirtypages.jfc's settings, as file= starts:
#                                     the share of the plain and adaptive figures that is JFR's own
#                         name@interval limits a variant to one interval (e.g. adaptive@1s).
#   JVM_FLAGS ["-XX:+UseG1GC"]  flags for every run (e.g. "-XX:+UseG1GC -XX:+UseTransparentHugePages")
#   EXTRA_AGENT_OPTIONS [""]    appended to every agent configuration
#   JAVA [java]
set -euo pipefail
cd "$(dirname "$0")/../.."

out="${1:-target/overhead/overhead.csv}"
pairs="${PAIRS:-5}"
seconds="${SECONDS_PER_RUN:-20}"
warmup="${WARMUP:-3}"
workloads="${WORKLOADS:-HeapWorkload OldGenMutator DirectBufferWriter CompilerWorkload DatabaseWorkload}"
heaps="${HEAPS:-512m 4g}"
intervals="${INTERVALS:-100ms 1s 10s}"
variants="${VARIANTS:-collector}"
jvm_flags="${JVM_FLAGS:--XX:+UseG1GC}"
java="${JAVA:-java}"
jfr_tool="$(dirname "$(readlink -f "$(command -v "$java")")")/jfr"
agent=agent/target/dirtypages-agent.jar
samples=samples/target/dirtypages-samples.jar
h2=~/.m2/repository/com/h2database/h2/2.3.232/h2-2.3.232.jar   # DatabaseWorkload's database (samples/pom.xml)

[ -f "$agent" ] && [ -f "$samples" ] || mvn -B -q install -DskipTests
mkdir -p "$(dirname "$out")"
recording="$(dirname "$out")/with-agent.jfr"
echo "workload,heap,interval,side,pair,ops_per_second,scans,scan_ms,scan_cpu_ms,scan_alloc_bytes,written_mib_per_scan,assumed_share,thp_splits" > "$out"

args_for() {
    case "$1" in
        HeapWorkload) echo "$seconds 64" ;;
        OldGenMutator) echo "$seconds 128" ;;
        DirectBufferWriter) echo "$seconds 64 1024" ;;
        CompilerWorkload) echo "$seconds native-helper/src/main/java $(ls ~/.m2/repository/net/java/dev/jna/jna/5.19.1/jna-5.19.1.jar)" ;;
        DatabaseWorkload) echo "$seconds 200000" ;;
    esac
}

options_for() { # variant interval
    local common="interval=$2,log=off${EXTRA_AGENT_OPTIONS:+,$EXTRA_AGENT_OPTIONS}"
    case "$1" in
        collector) echo "$common,file=$recording" ;;
        plain) echo "$common,file=$recording,arming=plain" ;;
        adaptive) echo "$common,file=$recording,arming=adaptive" ;;
        empty) echo "$common,regions=" ;;
        idle) echo "$common" ;;
        jfr) echo "-XX:StartFlightRecording=settings=$PWD/agent/src/main/resources/dirtypages.jfc,filename=$recording" ;;
        *) echo "unknown variant $1" >&2; exit 2 ;;
    esac
}

thp_splits() {
    awk '/^thp_split_pmd /{print $2}' /proc/vmstat 2>/dev/null || echo 0
}

run() { # workload heap agent-options-or-JVM-flag-or-empty -> "ops,scans,..."
    local w="$1" heap="$2" agentopt="$3"
    local javaagent=()
    case "$agentopt" in
        "") ;;
        -XX*) javaagent=("$agentopt") ;;
        *) javaagent=("-javaagent:$agent=$agentopt" -Dworkload.awaitAgent=true) ;;
    esac
    rm -f "$recording"
    local splits_before ops
    splits_before=$(thp_splits)
    # shellcheck disable=SC2046,SC2086
    ops=$("$java" -Xms"$heap" -Xmx"$heap" $jvm_flags -Dworkload.warmup="$warmup" "${javaagent[@]}" -cp "$samples:$h2" \
        dev.dirtypages.samples."$w" $(args_for "$w") 2>/dev/null \
        | sed -n 's/^RESULT .* opsPerSecond=\([0-9.]*\)$/\1/p')
    local splits=$(( $(thp_splits) - splits_before ))
    local scans=",,,,,"
    if [ -s "$recording" ] && [ "${agentopt#-XX}" = "$agentopt" ]; then
        scans=$("$jfr_tool" print --json --events dirtypages.Scan "$recording" | python3 benchmarks/overhead/scanstats.py)
    fi
    echo "$ops,$scans,$splits"
}

for w in $workloads; do
    for heap in $heaps; do
        for interval in $intervals; do
            sides=(without)
            for v in $variants; do
                case "$v" in
                    *@*) [ "${v#*@}" = "$interval" ] && sides+=("${v%@*}") ;;
                    *) sides+=("$v") ;;
                esac
            done
            for pair in $(seq 1 "$pairs"); do
                # Rotate the order every pair, so that no side always runs first (or right after another).
                n=${#sides[@]}
                for k in $(seq 0 $((n - 1))); do
                    side=${sides[$(( (k + pair) % n ))]}
                    if [ "$side" = without ]; then r=$(run "$w" "$heap" ""); else r=$(run "$w" "$heap" "$(options_for "$side" "$interval")"); fi
                    echo "$w,$heap,$interval,$side,$pair,$r" >> "$out"
                    echo "$w heap=$heap interval=$interval pair=$pair $side: $r" >&2
                done
            done
        done
    done
done
python3 benchmarks/overhead/report.py "$out"
