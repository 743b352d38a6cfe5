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
# The DJL peer's best setup: PyTorch mallocs its large activations afresh each step and glibc serves
# them (> 32 MB) with new mmap'ed 4 KB pages, so every step pays page faults; with huge pages for
# malloc's mmap'ed chunks (glibc >= 2.35; THP must be "madvise" or "always") the peer trained 3-4x
# faster on a 2-core AMD EPYC VM (BENCHMARKS.md). TensorFlow reuses its buffers, so pcam's figures
# do not move with it. GLIBC_TUNABLES= (empty) measures the peer's default setup.
export GLIBC_TUNABLES="${GLIBC_TUNABLES-glibc.malloc.hugetlb=1}"
exec java ${PCAM_JAVA_OPTS:--Xmx8g} -cp "target/djl/pcam-0.1.0.jar:$(cat target/djl/classpath.txt)" pcam.cli.Main bench all "$@"
