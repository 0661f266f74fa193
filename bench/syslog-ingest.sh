#!/usr/bin/env bash
# Syslog over TCP -> Kafka benchmark: logpipe against rsyslog (imtcp -> omkafka) on the same lines,
# the same broker and machine. Starts a single-node Kafka on 127.0.0.1:19092 with the workspace's
# shared/bench/start-kafka.sh unless one answers there, builds logpipe, runs both, and writes the
# report into docs/benchmarks.md.
#   bench/syslog-ingest.sh [--duration 20] [--connections 4] [--kafka HOST:PORT] [--peer SCRIPT|none]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
PEER="$ROOT/../shared/bench/peer-rsyslog-omkafka.sh"
while [ $# -gt 0 ]; do
  case "$1" in
    --peer) PEER="$2"; shift 2 ;;
    --kafka) KAFKA="$2"; shift 2 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
bench_kafka
bench_build logpipe-app,logpipe-bench
exec java -Xmx2g -cp "$BENCH_CP" \
  io.logpipe.bench.SyslogIngestBench --kafka "$KAFKA" --home "$ROOT" --peer "$PEER" \
  --write-docs "$ROOT/docs/benchmarks.md" "${ARGS[@]}"
