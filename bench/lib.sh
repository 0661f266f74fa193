# Shared by the bench/*.sh scripts (sourced, not run): the checkout, the Kafka to use (started with
# the workspace's shared/bench/start-kafka.sh unless one answers), the build and the classpath.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
KAFKA=127.0.0.1:19092
ARGS=()
BENCH_CP="$ROOT/logpipe-bench/target/classes:$ROOT/logpipe-bench/target/lib/*"

# --kafka HOST:PORT sets KAFKA; every other argument goes to the benchmark (ARGS).
bench_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --kafka) KAFKA="$2"; shift 2 ;;
      *) ARGS+=("$1"); shift ;;
    esac
  done
}

# bench_need COMMAND PACKAGE: stop with a hint when a tool is missing.
bench_need() {
  command -v "$1" >/dev/null || { echo "bench: $1 is needed (apt-get install $2)" >&2; exit 1; }
}

# Starts a single-node Kafka on KAFKA's port unless one answers there.
bench_kafka() {
  bench_need kcat kcat
  if ! kcat -b "$KAFKA" -L -m 3 >/dev/null 2>&1; then
    local start="${START_KAFKA:-$ROOT/../shared/bench/start-kafka.sh}"
    [ -x "$start" ] || { echo "bench: no Kafka at $KAFKA and no start-kafka.sh at $start (set START_KAFKA or --kafka)" >&2; exit 1; }
    "$start" --port "${KAFKA##*:}" >/dev/null
  fi
}

# bench_build MODULES: builds them and what they need, without tests.
bench_build() {
  (cd "$ROOT" && mvn -B -q -DskipTests -Dspotless.check.skip package -pl "$1" -am)
}
