#!/usr/bin/env bash
# Cloud Foundry nozzle -> Kafka benchmark: v2 RLP gateway (SSE, JSON) and v1 firehose (WebSocket,
# protobuf), the fake servers in the benchmark JVM, the nozzle as its own process
# (bin/logpipe run --roles nozzle, heap capped at 512 MiB), kcat -P on the same records as the
# peer. Starts a single-node Kafka (its own process, port 19092) with the workspace's
# shared/bench/start-kafka.sh unless one answers there, builds logpipe, runs the bench, and
# writes the report into docs/benchmarks.md.
#   bench/nozzle.sh [--api v2,v1] [--duration S] [--batch N] [--kafka HOST:PORT] [--java-opts OPTS]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd -P)"
KAFKA=127.0.0.1:19092
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --kafka) KAFKA="$2"; shift 2 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
command -v kcat >/dev/null || { echo "bench: kcat is needed (apt-get install kcat)" >&2; exit 1; }
if ! kcat -b "$KAFKA" -L -m 3 >/dev/null 2>&1; then
  START="${START_KAFKA:-$ROOT/../shared/bench/start-kafka.sh}"
  [ -x "$START" ] || { echo "bench: no Kafka at $KAFKA and no start-kafka.sh at $START (set START_KAFKA or --kafka)" >&2; exit 1; }
  "$START" --port "${KAFKA##*:}" >/dev/null
fi
(cd "$ROOT" && mvn -B -q -DskipTests -Dspotless.check.skip package -pl logpipe-app,logpipe-bench -am)
exec java -Xmx2g -cp "$ROOT/logpipe-bench/target/classes:$ROOT/logpipe-bench/target/lib/*" \
  io.logpipe.bench.NozzleIngestBench --kafka "$KAFKA" --home "$ROOT" --write-docs "$ROOT/docs/benchmarks.md" "${ARGS[@]}"
