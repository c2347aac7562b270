#!/usr/bin/env bash
# Time from JVM start to main, with the agent at its defaults, with regions=heap, and without, on JDK 17 and 25.
# Usage: benchmarks/startup/startup.sh [rounds]   (build the agent first: mvn -pl agent -am package -DskipTests)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${1:-20}
jar="$root/agent/target/dirtypages-agent.jar"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
javac --release 17 -d "$out" "$root/benchmarks/startup/StartupToMain.java"
for home in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/temurin-25-jdk-amd64; do
  [ -x "$home/bin/java" ] || { echo "skipping $home: no java there"; continue; }
  "$home/bin/java" -cp "$out" StartupToMain "$home/bin/java" "$jar" "$rounds" none defaults= heap=regions=heap
  echo
done
