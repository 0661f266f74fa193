#!/usr/bin/env bash
# Kafka -> archive benchmark, with its two limits measured in the same run on the same records:
# a consume-only Java consumer and `zstd -T2` at the same level on the same NDJSON; then the
# Kafka-append-to-visible latency with the default cut settings. Starts a single-node Kafka (its
# own process, port 19092) with the workspace's shared/bench/start-kafka.sh unless one answers
# there, builds logpipe, runs the bench, and writes the report into docs/benchmarks.md.
#   bench/archive.sh [--records N] [--partitions N] [--latency-seconds S] [--kafka HOST:PORT]
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
command -v zstd >/dev/null || { echo "bench: zstd is needed (apt-get install zstd)" >&2; exit 1; }
command -v kcat >/dev/null || { echo "bench: kcat is needed to find Kafka (apt-get install kcat)" >&2; exit 1; }
if ! kcat -b "$KAFKA" -L -m 3 >/dev/null 2>&1; then
  START="${START_KAFKA:-$ROOT/../shared/bench/start-kafka.sh}"
  [ -x "$START" ] || { echo "bench: no Kafka at $KAFKA and no start-kafka.sh at $START (set START_KAFKA or --kafka)" >&2; exit 1; }
  "$START" --port "${KAFKA##*:}" >/dev/null
fi
(cd "$ROOT" && mvn -B -q -DskipTests -Dspotless.check.skip package -pl logpipe-app,logpipe-bench -am)
exec java -Xmx3g -cp "$ROOT/logpipe-bench/target/classes:$ROOT/logpipe-bench/target/lib/*" \
  io.logpipe.bench.ArchiveBench --kafka "$KAFKA" --home "$ROOT" --write-docs "$ROOT/docs/benchmarks.md" "${ARGS[@]}"
