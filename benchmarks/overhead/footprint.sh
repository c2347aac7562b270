#!/usr/bin/env bash
# What the agent adds to an idle JVM's page tables, what a scan costs it, and what becomes of transparent huge
# pages: FootprintWorkload (samples/) without the agent and with it per arming mode, rotated, PAIRS rounds. Prints
# one CSV row per run: VmPTE and AnonHugePages at the end of the run, and the median timer scan's duration and CPU
# time (from the agent's recording, via scanstats.py).
#
#   benchmarks/overhead/footprint.sh [out.csv]
#
# Environment (defaults in brackets):
#   HEAP ["-Xms256m -Xmx64g"]  heap flags
#   JVM_FLAGS ["-XX:+UseG1GC"]  e.g. "-XX:+UseG1GC -XX:+UseTransparentHugePages"
#   LIVE_MIB [128] CHURN [3] IDLE [10]  FootprintWorkload's arguments (MiB kept, seconds of churn, seconds idle)
#   MODES ["collector plain"]   arming modes to compare with the run without the agent
#   PAIRS [3]  INTERVAL [1s]  JAVA [java]
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-target/overhead/footprint.csv}"
heap="${HEAP:--Xms256m -Xmx64g}"
jvm_flags="${JVM_FLAGS:--XX:+UseG1GC}"
modes="${MODES:-collector plain}"
pairs="${PAIRS:-3}"
interval="${INTERVAL:-1s}"
java="${JAVA:-java}"
jfr_tool="$(dirname "$(readlink -f "$(command -v "$java")")")/jfr"
agent=agent/target/dirtypages-agent.jar
samples=samples/target/dirtypages-samples.jar
[ -f "$agent" ] && [ -f "$samples" ] || { echo "build first: mvn -B -q package -DskipTests" >&2; exit 2; }
mkdir -p "$(dirname "$out")"
recording="$(dirname "$out")/footprint.jfr"
echo "heap,jvm_flags,side,pair,vm_pte_kib,anon_huge_kib,scans,scan_ms,scan_cpu_ms,scan_alloc_bytes,written_mib_per_scan,assumed_share" > "$out"
sides=(without $modes)
for pair in $(seq 1 "$pairs"); do
    n=${#sides[@]}
    for k in $(seq 0 $((n - 1))); do
        side=${sides[$(( (k + pair) % n ))]}
        agentopt=()
        rm -f "$recording"
        [ "$side" = without ] || agentopt=("-javaagent:$agent=interval=$interval,log=off,regions=heap,arming=$side,file=$recording")
        # shellcheck disable=SC2086
        result=$("$java" $heap $jvm_flags "${agentopt[@]}" -cp "$samples" dev.dirtypages.samples.FootprintWorkload \
            "${LIVE_MIB:-128}" "${CHURN:-3}" "${IDLE:-10}" | sed -n 's/^RESULT vmPteKiB=\([0-9-]*\) anonHugePagesKiB=\([0-9-]*\).*/\1,\2/p')
        scans=",,,,,"
        [ -s "$recording" ] && scans=$("$jfr_tool" print --json --events dirtypages.Scan "$recording" | python3 benchmarks/overhead/scanstats.py)
        echo "\"$heap\",\"$jvm_flags\",$side,$pair,$result,$scans" | tee -a "$out"
    done
done
