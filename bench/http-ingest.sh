#!/usr/bin/env bash
# HTTP ingest -> Kafka benchmark, with kcat -P on the same lines as the peer, same broker.
# Starts a single-node Kafka (its own process, port 19092) with the workspace's
# shared/bench/start-kafka.sh unless one answers there, builds logpipe, runs the bench, and
# writes the report into docs/benchmarks.md.
#   bench/http-ingest.sh [--records N] [--connections N] [--batch LINES] [--kafka HOST:PORT]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_args "$@"
bench_kafka
bench_build logpipe-app,logpipe-bench
exec java -Xmx3g -cp "$BENCH_CP" \
  io.logpipe.bench.HttpIngestBench --kafka "$KAFKA" --home "$ROOT" --write-docs "$ROOT/docs/benchmarks.md" "${ARGS[@]}"
