#!/usr/bin/env bash
# Every table of docs/performance.md, in one run (about 70 minutes on 2 cores; root for the hugetlbfs part):
#   1. the four workloads without and with the agent, heap 512 MiB and 4 GiB, intervals 100ms/1s/10s, collector
#      and plain arming everywhere, adaptive arming at 1s;
#   2. the agent loaded but tracking nothing (regions=), loaded but unread (no recording), and JFR alone;
#   3. transparent huge pages and hugetlbfs heaps (4 GiB) with collector, plain and adaptive arming;
#   4. the kernel floor against the agent's kernel layer.
# Results go to target/perf/ (CSV and markdown tables). Environment: PAIRS [3], SECONDS_PER_RUN [10], WARMUP [3].
set -euo pipefail
cd "$(dirname "$0")/../.."
out=target/perf
mkdir -p "$out"
export PAIRS="${PAIRS:-3}" SECONDS_PER_RUN="${SECONDS_PER_RUN:-10}" WARMUP="${WARMUP:-3}"
harness=benchmarks/overhead/overhead.sh
{ echo "# $(date -u +%FT%TZ) $(uname -r) $(nproc) cpus; $(java -version 2>&1 | head -1)"; uptime; } > "$out/machine.txt"

VARIANTS="collector plain adaptive@1s" $harness "$out/main.csv" > "$out/main.md"
VARIANTS="empty idle jfr" HEAPS=512m INTERVALS=1s $harness "$out/loaded.csv" > "$out/loaded.md"
WORKLOADS="HeapWorkload OldGenMutator" HEAPS=4g INTERVALS=1s VARIANTS="collector plain adaptive" \
    JVM_FLAGS="-XX:+UseG1GC -XX:+UseTransparentHugePages" $harness "$out/thp.csv" > "$out/thp.md"
if [ -w /proc/sys/vm/nr_hugepages ]; then
    before=$(cat /proc/sys/vm/nr_hugepages)
    echo 2200 > /proc/sys/vm/nr_hugepages                 # 4 GiB heap + the GC's own large-page data
    WORKLOADS="HeapWorkload OldGenMutator" HEAPS=4g INTERVALS=1s VARIANTS="collector plain adaptive" \
        JVM_FLAGS="-XX:+UseG1GC -XX:+UseLargePages" $harness "$out/hugetlb.csv" > "$out/hugetlb.md"
    echo "$before" > /proc/sys/vm/nr_hugepages
else
    echo "not root: the hugetlbfs table is skipped (needs /proc/sys/vm/nr_hugepages)" | tee "$out/hugetlb.md"
fi
benchmarks/overhead/floor.sh "$out/floor" > "$out/floor.md"
uptime >> "$out/machine.txt"
