#!/usr/bin/env bash
# Kafka -> archive benchmark, with its two limits measured in the same run on the same records:
# a consume-only Java consumer and `zstd -T2` at the same level on the same NDJSON; then the
# Kafka-append-to-visible latency with the default cut settings. Starts a single-node Kafka (its
# own process, port 19092) with the workspace's shared/bench/start-kafka.sh unless one answers
# there, builds logpipe, runs the bench, and writes the report into docs/benchmarks.md.
#   bench/archive.sh [--records N] [--partitions N] [--latency-seconds S] [--kafka HOST:PORT]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_args "$@"
bench_need zstd zstd
bench_kafka
bench_build logpipe-app,logpipe-bench
exec java -Xmx3g -cp "$BENCH_CP" \
  io.logpipe.bench.ArchiveBench --kafka "$KAFKA" --home "$ROOT" --write-docs "$ROOT/docs/benchmarks.md" "${ARGS[@]}"
