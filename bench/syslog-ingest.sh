#!/usr/bin/env bash
# Syslog over TCP -> Kafka benchmark: logpipe against rsyslog (imtcp -> omkafka) on the same lines,
# the same broker and machine. Starts a single-node Kafka on 127.0.0.1:19092 with the workspace's
# shared/bench/start-kafka.sh unless one answers there, builds logpipe, runs both, and writes the
# report into docs/benchmarks.md.
#   bench/syslog-ingest.sh [--duration 20] [--connections 4] [--kafka HOST:PORT] [--peer SCRIPT|none]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd -P)"
KAFKA=127.0.0.1:19092
PEER="$ROOT/../shared/bench/peer-rsyslog-omkafka.sh"
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --kafka) KAFKA="$2"; shift 2 ;;
    --peer) PEER="$2"; shift 2 ;;
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
  io.logpipe.bench.SyslogIngestBench --kafka "$KAFKA" --home "$ROOT" --peer "$PEER" \
  --write-docs "$ROOT/docs/benchmarks.md" "${ARGS[@]}"
