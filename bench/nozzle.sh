#!/usr/bin/env bash
# Cloud Foundry nozzle -> Kafka benchmark: v2 RLP gateway (SSE, JSON) and v1 firehose (WebSocket,
# protobuf), the fake servers in the benchmark JVM, the nozzle as its own process
# (bin/logpipe run --roles nozzle, heap capped at 512 MiB), kcat -P on the same records as the
# peer. Starts a single-node Kafka (its own process, port 19092) with the workspace's
# shared/bench/start-kafka.sh unless one answers there, builds logpipe, runs the bench, and
# writes the report into docs/benchmarks.md.
#   bench/nozzle.sh [--api v2,v1] [--duration S] [--batch N] [--kafka HOST:PORT] [--java-opts OPTS]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_args "$@"
bench_kafka
bench_build logpipe-app,logpipe-bench
exec java -Xmx2g -cp "$BENCH_CP" \
  io.logpipe.bench.NozzleIngestBench --kafka "$KAFKA" --home "$ROOT" --write-docs "$ROOT/docs/benchmarks.md" "${ARGS[@]}"
