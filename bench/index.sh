#!/usr/bin/env bash
# Index benchmark: indexing throughput (records/s, MB/s, CPU) against kcat reading the same topics,
# query latency over the whole index, and time to searchable under load. Starts a single-node Kafka
# on 127.0.0.1:19092 with the workspace's shared/bench/start-kafka.sh unless one answers there,
# builds logpipe, writes N records (default 10 million) into fresh topics, runs the index role on
# them, and writes the report into docs/benchmarks.md.
#   bench/index.sh [--records 10000000] [--kafka HOST:PORT] [--dir /tmp/logpipe-index-bench]
#                  [--background-rate 20000] [--probes 300] [--query-runs 200]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_args "$@"
bench_kafka
bench_build logpipe-bench
exec java -Xms4g -Xmx4g ${BENCH_JAVA_OPTS:-} \
  -cp "$BENCH_CP" \
  io.logpipe.bench.IndexBench --kafka "$KAFKA" --write-docs "$ROOT/docs/benchmarks.md" "${ARGS[@]}"
