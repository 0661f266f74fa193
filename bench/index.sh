#!/usr/bin/env bash
# Index benchmark: indexing throughput (records/s, MB/s, CPU) against kcat reading the same topics,
# query latency over the whole index, and time to searchable under load. Starts a single-node Kafka
# on 127.0.0.1:19092 with the workspace's shared/bench/start-kafka.sh unless one answers there,
# builds logpipe, writes N records (default 10 million) into fresh topics, runs the index role on
# them, and writes the report into docs/benchmarks.md.
#   bench/index.sh [--records 10000000] [--kafka HOST:PORT] [--dir /tmp/logpipe-index-bench]
#                  [--background-rate 20000] [--probes 300] [--query-runs 200]
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
(cd "$ROOT" && mvn -B -q -DskipTests -Dspotless.check.skip package -pl logpipe-bench -am)
exec java -Xms4g -Xmx4g ${BENCH_JAVA_OPTS:-} \
  -cp "$ROOT/logpipe-bench/target/classes:$ROOT/logpipe-bench/target/lib/*" \
  io.logpipe.bench.IndexBench --kafka "$KAFKA" --write-docs "$ROOT/docs/benchmarks.md" "${ARGS[@]}"
