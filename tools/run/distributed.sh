#!/usr/bin/env bash
# Distributed mode on one machine: PostgreSQL, NATS JetStream and S3 from tools/deps, then
# each app as its own process. Ctrl-C stops them all.
#   BERTH_BASE_PORT (default 8080): registry on it, auth +1, api +2, scanner +3, signer +4,
#   replicator +5, notifier +6, portal +7. DATABASE_URL, NATS_URL and S3_* given by the
#   caller win over the local dependencies.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

bash tools/deps/up.sh all >&2
while IFS='=' read -r key value; do
  key=${key#export }
  [[ $key =~ ^[A-Z0-9_]+$ ]] || continue
  [ -n "${!key:-}" ] || export "$key=${value//\"/}"
done < "${BERTH_DEPS_DIR:-/tmp/berth-deps}/env"

base_port=${BERTH_BASE_PORT:-8080}
data_root=${BERTH_DATA_DIR:-$root/data/distributed}
export BERTH_HTTP_HOST=${BERTH_HTTP_HOST:-127.0.0.1}
apps=(registry auth api scanner signer replicator notifier portal)
pids=()

stop_all() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait || true
}
trap 'stop_all; exit 0' INT TERM
trap stop_all EXIT

for i in "${!apps[@]}"; do
  app=${apps[$i]}
  BERTH_HTTP_PORT=$((base_port + i)) BERTH_DATA_DIR="$data_root/$app" BERTH_AUTH_URL=${BERTH_AUTH_URL:-http://127.0.0.1:$((base_port + 1))} \
    node -r @swc-node/register "apps/$app/src/main.ts" &
  pids+=($!)
  echo "berth: started $app (pid $!) on http://$BERTH_HTTP_HOST:$((base_port + i))" >&2
done

# If any app dies, stop the rest: a half-running platform is worse than a stopped one.
set +e
wait -n "${pids[@]}"
status=$?
echo "berth: an app exited with status $status; stopping the others" >&2
exit "$status"
