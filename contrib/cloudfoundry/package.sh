#!/usr/bin/env bash
# Lays out the nozzle app for `cf push -f contrib/cloudfoundry/manifest.yml`:
#   build/logpipe-nozzle/bin/logpipe-nozzle   the start script
#   build/logpipe-nozzle/lib/*.jar            logpipe and its dependencies
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd -P)"
ROOT="$(cd "$HERE/../.." && pwd -P)"
(cd "$ROOT" && mvn -B -q -DskipTests -Dspotless.check.skip package -pl logpipe-app -am)
OUT="$HERE/build/logpipe-nozzle"
rm -rf "$OUT"
mkdir -p "$OUT/bin" "$OUT/lib"
cp "$HERE/logpipe-nozzle" "$OUT/bin/"
cp "$ROOT/logpipe-app/target/logpipe-app.jar" "$ROOT"/logpipe-app/target/lib/*.jar "$OUT/lib/"
echo "$OUT ($(du -sh "$OUT" | cut -f1)); next: cf push -f $HERE/manifest.yml --var nozzle_client_secret=..."
