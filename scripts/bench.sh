#!/usr/bin/env bash
# Builds pcam with the DJL peer (mvn -Pdjl, into target/djl) and runs `pcam bench all` with the
# DJL classes on the classpath, so bench.json gets the vs_djl_* ratios. Extra arguments go to
# `bench all`, e.g. scripts/bench.sh --data ../shared/data/pcam-sample --out bench-results
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
echo "bench: building with -Pdjl (mvn -q -Pdjl -DskipTests ${PCAM_MAVEN_ARGS:-} package) ..." >&2
mvn -q -Pdjl -DskipTests ${PCAM_MAVEN_ARGS:-} package >&2
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
exec java ${PCAM_JAVA_OPTS:--Xmx8g} -cp "target/djl/pcam-0.1.0.jar:$(cat target/djl/classpath.txt)" pcam.cli.Main bench all "$@"
