#!/usr/bin/env bash
# Runs every test (unit tests, real-kernel tests, child-JVM tests) on JDK 17 and again on JDK 25.
# DIRTYPAGES_REQUIRE_KERNEL_FEATURES=true turns a test skipped for want of a kernel feature into a
# failure (CI sets it: a skip there would hide a regression).
set -euo pipefail
cd "$(dirname "$0")/.."

jdk17="${JDK17_HOME:-$(ls -d /usr/lib/jvm/java-17-openjdk-* 2>/dev/null | head -n1)}"
jdk25="${JDK25_HOME:-$(ls -d /usr/lib/jvm/temurin-25-jdk-* 2>/dev/null | head -n1)}"
require="${DIRTYPAGES_REQUIRE_KERNEL_FEATURES:-false}"

for jdk in "$jdk17" "$jdk25"; do
    if [ -z "$jdk" ] || [ ! -x "$jdk/bin/java" ]; then
        echo "test.sh: a JDK is missing (JDK 17: '$jdk17', JDK 25: '$jdk25'); set JDK17_HOME / JDK25_HOME" >&2
        exit 1
    fi
done

for jdk in "$jdk17" "$jdk25"; do
    echo "=== tests on $("$jdk/bin/java" -version 2>&1 | head -n1) ($jdk)"
    JAVA_HOME="$jdk" mvn -B clean verify -Ddirtypages.requireKernelFeatures="$require"
done
